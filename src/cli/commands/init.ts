// `nimbus init [template] [dir]`: copies a starter app from templates/ (a TypeScript
// handler, a SAM template, package.json, tsconfig and a test), naming it after the dir.
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, usageError, type CliCommand } from '../command.js';

const TEMPLATES = ['http-api', 's3-thumbnail', 'queue-worker', 'cron-job'] as const;
type TemplateName = (typeof TEMPLATES)[number];

/** The function each template's test invokes (its FunctionName is `<app>-<suffix>`). */
const FUNCTION_SUFFIX: Record<TemplateName, string> = { 'http-api': 'hello', 's3-thumbnail': 'thumbnail', 'queue-worker': 'worker', 'cron-job': 'nightly' };

// dist/src/cli/commands/init.js → the repository's templates/ (shipped beside dist/).
const TEMPLATES_DIR = fileURLToPath(new URL('../../../../templates/', import.meta.url));

function isTemplate(name: string): name is TemplateName {
  return (TEMPLATES as readonly string[]).includes(name);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Fills in the app's name in every copied text file. */
async function personalise(dir: string, app: string, template: TemplateName): Promise<void> {
  for (const file of await listFiles(dir)) {
    const text = await readFile(file, 'utf8');
    const filled = text.replaceAll('__APP__', app).replaceAll('__FUNCTION__', `${app}-${FUNCTION_SUFFIX[template]}`);
    if (filled !== text) await writeFile(file, filled);
  }
}

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'Scaffold an app: TypeScript handler, SAM template and a test',
  usage: [
    `init [${TEMPLATES.join('|')}] [dir]`,
    '',
    'Creates dir (default: the template name) with src/handler.ts, template.yaml, package.json,',
    'tsconfig.json and test/. The template defaults to http-api. Then: cd dir && npm install && npx nimbus dev',
  ].join('\n'),
  options: {},
  async run({ positionals, io }) {
    if (positionals.length > 2) throw usageError(`expected a template and a directory, got ${positionals.length} arguments`);
    const template = positionals[0] ?? 'http-api';
    if (!isTemplate(template)) throw usageError(`unknown template '${template}'; one of: ${TEMPLATES.join(', ')}`);
    const target = path.resolve(io.cwd, positionals[1] ?? template);
    const existing = await readdir(target).catch(() => []);
    if (existing.length > 0) throw new CliError(`'${target}' is not empty; pick a new directory`);
    const app = path.basename(target).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'app';
    await mkdir(target, { recursive: true });
    await cp(path.join(TEMPLATES_DIR, '_shared'), target, { recursive: true });
    await cp(path.join(TEMPLATES_DIR, template), target, { recursive: true });
    // npm leaves .gitignore out of published packages, so it is kept under another name.
    await rename(path.join(target, 'gitignore'), path.join(target, '.gitignore'));
    await personalise(target, app, template);
    io.out(`created ${template} app '${app}' in ${target}`);
    io.out(`next: cd ${path.relative(io.cwd, target) || '.'} && npm install && npx nimbus dev`);
    return 0;
  },
};
