// Deployment packages with TypeScript handlers bundled first (typescript-handler.ts).
import { rm, stat } from 'node:fs/promises';
import { loadCode } from '../deploy-args.js';
import { zipDirectory } from '../zip-dir.js';
import { bundleTypeScript, findTypeScriptEntries, findTypeScriptEntry, type TypeScriptEntry } from './typescript-handler.js';

export { findTypeScriptEntry, type TypeScriptEntry } from './typescript-handler.js';

async function zipBundled(dir: string, entries: readonly TypeScriptEntry[]): Promise<Buffer> {
  if (entries.length === 0) return zipDirectory(dir);
  const staged = await bundleTypeScript(dir, entries);
  try {
    return await zipDirectory(staged);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

/** `loadCode`, except that a directory whose handler is a .ts file is zipped bundled. */
export async function loadFunctionCode(codePath: string, handler: string): Promise<Buffer> {
  const isDir = await stat(codePath).then((s) => s.isDirectory(), () => false);
  const entry = isDir ? await findTypeScriptEntry(codePath, handler) : undefined;
  return entry === undefined ? loadCode(codePath) : zipBundled(codePath, [entry]);
}

/**
 * A code dir zipped with every TypeScript file that has no .js twin bundled beside it: for
 * app deploys (a SAM CodeUri), where the zip is made before the handler is looked at.
 * A drop-in for zipDirectory.
 */
export async function zipWithTypeScript(dir: string): Promise<Buffer> {
  return zipBundled(dir, await findTypeScriptEntries(dir));
}
