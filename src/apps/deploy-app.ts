// `nimbus app deploy|plan`: template → model → checks → plan against the last applied state
// → apply. Nothing on the platform changes until every check passed.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { accountOf, type AppModel, type DeployContext, type FunctionSpec } from './app-model.js';
import { AppError, Problems } from './app-error.js';
import { applyPlan } from './apply.js';
import { planApp, type Plan } from './plan.js';
import { connectPlatform, type PlatformTarget } from './platform.js';
import { checkLocally, checkOnPlatform } from './preflight.js';
import { readSamTemplate, type ReadApp } from './sam-template.js';
import { readServerlessFile } from './serverless-file.js';
import { loadAppliedState } from './state-store.js';
import { loadTemplate } from './template-file.js';

export interface DeployAppOptions {
  /** A template file, or a directory holding template.yaml/.yml/.json or serverless.yml. */
  readonly template: string;
  /** The app's name (the stack name); default: serverless.yml's `service`, else the template's directory name. */
  readonly app?: string;
  readonly parameterOverrides?: Readonly<Record<string, string>>;
  readonly target: PlatformTarget;
  /** Zips a function's code directory (reproducibly: the same tree, the same bytes). */
  readonly zipDirectory: (dir: string) => Promise<Buffer>;
  readonly dryRun?: boolean;
  readonly progress?: (line: string) => void;
}

export interface DeployAppResult {
  readonly plan: Plan;
  readonly notes: readonly string[];
  readonly applied: boolean;
}

const APP_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;


async function withCode(model: AppModel, zipDirectory: DeployAppOptions['zipDirectory']): Promise<{ model: AppModel; zips: Map<string, Buffer> }> {
  const zips = new Map<string, Buffer>();
  const problems = new Problems();
  const functions: Record<string, FunctionSpec> = {};
  for (const [name, fn] of Object.entries(model.functions)) {
    try {
      const zip = await zipDirectory(fn.codeDir);
      zips.set(name, zip);
      functions[name] = { ...fn, codeSha256: createHash('sha256').update(zip).digest('base64') };
    } catch (err) {
      problems.add(`function ${name}: cannot package ${fn.codeDir}: ${(err as Error).message}`);
    }
  }
  problems.check();
  return { model: { ...model, functions }, zips };
}

export async function readApp(options: DeployAppOptions): Promise<{ read: ReadApp; ctx: DeployContext }> {
  const file = await loadTemplate(path.resolve(options.template));
  const service = file.kind === 'serverless' && typeof file.doc.service === 'string' ? file.doc.service : undefined;
  const app = options.app ?? service ?? path.basename(path.dirname(file.file));
  if (!APP_NAME.test(app)) throw new AppError([`app name '${app}' must start with a letter and hold up to 64 letters, digits and '-' (pass --app NAME)`]);
  const ctx: DeployContext = { app, endpoint: options.target.endpoint, region: options.target.region, accountId: accountOf(options.target.credentials.accessKeyId), baseDir: path.dirname(file.file), parameterOverrides: options.parameterOverrides ?? {} };
  const read = file.kind === 'serverless' ? readServerlessFile(file.doc, ctx) : readSamTemplate(file.doc, ctx);
  return { read, ctx };
}

export async function deployApp(options: DeployAppOptions): Promise<DeployAppResult> {
  const { read, ctx } = await readApp(options);
  const local = new Problems();
  checkLocally(read.model, local);
  local.check();
  const { model, zips } = await withCode(read.model, options.zipDirectory);
  const platform = connectPlatform(options.target);
  try {
    const remote = new Problems();
    await checkOnPlatform(platform, model, remote);
    remote.check();
    const previous = await loadAppliedState(platform, ctx.app);
    const plan = planApp(previous, model);
    if (options.dryRun === true || plan.changes.length === 0) return { plan, notes: read.notes, applied: false };
    await applyPlan({ platform, ctx, plan, previous, desired: model, zips, progress: options.progress });
    return { plan, notes: read.notes, applied: true };
  } finally {
    platform.destroy();
  }
}
