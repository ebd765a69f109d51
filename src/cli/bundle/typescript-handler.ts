// TypeScript handlers: when a function's handler names a .ts/.mts/.cts/.tsx file, `nimbus
// deploy` bundles it with esbuild into a .js (or .mjs) beside it, with an inline-free
// external source map, so the zip holds plain JavaScript the Node runtime loads and the
// guest (which enables source maps) reports stack frames at the .ts lines.
// esbuild strips types without checking them: run `tsc --noEmit` for type errors.
import { access, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildFailure } from 'esbuild';
import { CliError } from '../command.js';

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'] as const;

export interface TypeScriptEntry {
  /** The handler's file relative to the code dir, e.g. `src/app.ts`. */
  readonly source: string;
  /** What it becomes in the bundle, e.g. `src/app.js` (`.mjs` for `.mts`, `.cjs` for `.cts`). */
  readonly output: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

function outputFor(source: string, ext: string): string {
  const base = source.slice(0, -ext.length);
  return base + (ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : '.js');
}

/**
 * The TypeScript file a handler string (`dir/file.export`) points at, if any: an explicit
 * TypeScript file, or `file` with no .js/.mjs/.cjs beside it but a .ts one.
 */
export async function findTypeScriptEntry(codeDir: string, handler: string): Promise<TypeScriptEntry | undefined> {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const module = handler.slice(0, dot);
  for (const ext of ['.js', '.mjs', '.cjs']) if (await exists(path.join(codeDir, module + ext))) return undefined;
  for (const ext of TS_EXTENSIONS) {
    if (await exists(path.join(codeDir, module + ext))) return { source: module + ext, output: outputFor(module + ext, ext) };
  }
  return undefined;
}

/** A .js output is an ES module when the function's package.json says "type": "module". */
async function packageType(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { type?: string }).type;
  } catch {
    return undefined;
  }
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * Every TypeScript file of a code dir that has no JavaScript twin, for callers that do not
 * know the handler (an app's CodeUri): each one is a possible entry and gets a bundle.
 */
export async function findTypeScriptEntries(codeDir: string): Promise<TypeScriptEntry[]> {
  const entries: TypeScriptEntry[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const item of await readdir(path.join(codeDir, relative), { withFileTypes: true })) {
      const name = path.posix.join(relative, item.name);
      if (item.isDirectory() && !SKIPPED_DIRS.has(item.name)) await walk(name);
      const ext = TS_EXTENSIONS.find((e) => item.name.endsWith(e));
      if (!item.isFile() || ext === undefined || item.name.endsWith('.d.ts')) continue;
      const module = name.slice(0, -ext.length);
      const twins = await Promise.all(['.js', '.mjs', '.cjs'].map((js) => exists(path.join(codeDir, module + js))));
      if (!twins.includes(true)) entries.push({ source: name, output: outputFor(name, ext) });
    }
  };
  await walk('');
  return entries;
}

function describeFailure(err: unknown): string {
  const errors = (err as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors)) return (err as Error).message;
  return errors
    .slice(0, 5)
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text))
    .join('\n');
}

/**
 * Copies the code dir to a temp dir and bundles each entry there, with its source map.
 * node_modules and the AWS SDK v3 (which the runtime provides, as on Lambda) stay external
 * packages, so a function's dependencies load as they would unbundled. Returns the staged
 * dir; the caller removes it.
 */
export async function bundleTypeScript(codeDir: string, entries: readonly TypeScriptEntry[]): Promise<string> {
  const staged = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bundle-'));
  let entry: TypeScriptEntry | undefined;
  try {
    await cp(codeDir, staged, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
    const moduleType = await packageType(staged);
    for (entry of entries) await bundleOne(staged, entry, moduleType);
    return staged;
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw new CliError(`cannot bundle ${entry?.source ?? codeDir}:\n${describeFailure(err)}`);
  }
}

async function bundleOne(staged: string, entry: TypeScriptEntry, moduleType: string | undefined): Promise<void> {
  const esm = entry.output.endsWith('.mjs') || (entry.output.endsWith('.js') && moduleType === 'module');
  await build({
    entryPoints: [path.join(staged, entry.source)],
    outfile: path.join(staged, entry.output),
    absWorkingDir: staged,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: esm ? 'esm' : 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    // Paths in the map are relative to the bundle, so frames read `src/app.ts:12`.
    sourceRoot: '',
    logLevel: 'silent',
  });
}
