// Handler resolution exactly as the Node RIC's UserFunction.js (lambda-reference.md §4.3):
// `moduleRoot/module.export.nested`, the module tried as extensionless → .js (CJS unless
// the nearest package.json says "type":"module") → .js via import() → .mjs → .cjs →
// node_modules resolution from the task root.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } from './errors.js';

export type Handler = (event: unknown, context: object, callback: (err?: unknown, result?: unknown) => void) => unknown;

const require = createRequire(import.meta.url);
const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const RELATIVE_PATH_SUBSTRING = '..';

/**
 * fs.existsSync, except that a path the permission model hides (process driver: the
 * guest may read only its slot) counts as absent instead of throwing ERR_ACCESS_DENIED.
 */
function exists(p: string): boolean {
  try {
    return fs.existsSync(p);
  } catch {
    return false;
  }
}

function tryRequireFile(file: string, extension = ''): unknown {
  const full = file + extension;
  return exists(full) ? (require(full) as unknown) : undefined;
}

async function tryAwaitImport(file: string, extension: string): Promise<unknown> {
  const full = file + extension;
  return exists(full) ? ((await import(pathToFileURL(full).href)) as unknown) : undefined;
}

function folderHasTypeModule(folder: string): boolean {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (exists(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: unknown } | null;
      return pkg?.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderHasTypeModule(path.resolve(folder, '..'));
}

function hasPackageJsonTypeModule(file: string): boolean {
  const jsPath = `${file}.js`;
  return exists(jsPath) ? folderHasTypeModule(path.resolve(path.dirname(jsPath))) : false;
}

async function tryRequire(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;
  const pjHasModule = hasPackageJsonTypeModule(lambdaStylePath);
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, '.js'))) ||
    (await tryAwaitImport(lambdaStylePath, '.mjs')) ||
    tryRequireFile(lambdaStylePath, '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(module, { paths: [appRoot, moduleRoot] })) as unknown;
}

async function loadUserApp(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    const code = (e as { code?: unknown } | null)?.code;
    // The RIC matches MODULE_NOT_FOUND only; ERR_MODULE_NOT_FOUND (an ESM handler importing a
    // missing package) is the same user mistake, so it gets the same type here.
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
}

/** Loads the module and returns the handler function, or throws a Runtime.* error. */
export async function loadHandler(appRoot: string, fullHandlerString: string): Promise<Handler> {
  if (fullHandlerString.includes(RELATIVE_PATH_SUBSTRING)) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = FUNCTION_EXPR.exec(handlerString);
  const module = match?.[1];
  const handlerPath = match?.[2];
  if (module === undefined || handlerPath === undefined) throw new MalformedHandlerName('Bad handler');

  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = handlerPath
    .split('.')
    .reduce<unknown>((nested, key) => (nested ? (nested as Record<string, unknown>)[key] : nested), userApp);
  if (!handlerFunc) throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handlerFunc !== 'function') throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  return handlerFunc as Handler;
}

/** RIC's isAsync test: an `async function` resolves a promise and never waits for the loop. */
export function isAsyncHandler(fn: Handler): boolean {
  return fn.constructor.name === 'AsyncFunction';
}
