// Type-aware lint; the import rules keep the dependency direction of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

export default tseslint.config(
  // templates/: scaffolds for `nimbus init`, user code type-checked with their own tsconfig (test/integration/init.test.ts).
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'web/dist/**', '.nimbus/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test registers tests synchronously; their returned promises are the runner's.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['src/guest/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['../*', '!../protocol/*'], message: 'The guest imports only src/protocol/.' },
      ] }],
    },
  },
  {
    files: ['src/protocol/**/*.ts', 'src/errors.ts', 'src/util/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../util/*', '!../errors.js'], message: 'Leaf module: imports nothing of the project but other leaves.' }] }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/cli/**', 'src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/*', '**/cli/*'], message: 'Domain modules never import api/ or cli/.' }] }] },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
);
