// `nimbus app deploy|plan|delete`: apps as code from an AWS SAM template or a serverless.yml
// (docs/from-aws.md). The work is in src/apps/; this maps flags and prints the plan. Code is
// packaged as `nimbus deploy` packages it (a .ts handler is bundled: src/cli/bundle/).
import path from 'node:path';
import { AppError } from '../../apps/app-error.js';
import { ApplyError } from '../../apps/apply.js';
import { deleteApp } from '../../apps/delete-app.js';
import { deployApp } from '../../apps/deploy-app.js';
import { describeChange, type Plan } from '../../apps/plan.js';
import { AdminApiError, type PlatformTarget } from '../../apps/platform.js';
import { API_OPTIONS, API_OPTIONS_HELP, DEFAULT_ENDPOINT, DEFAULT_REGION, describeApiError } from '../client.js';
import { booleanFlag, CliError, stringFlag, stringList, usageError, type CliCommand, type CliIo } from '../command.js';
import { zipWithTypeScript } from '../bundle/index.js';

function target(values: Record<string, unknown>, env: CliIo['env']): PlatformTarget {
  const endpoint = (stringFlag(values, 'endpoint') ?? (env.NIMBUS_ENDPOINT || DEFAULT_ENDPOINT)).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(endpoint)) throw usageError(`--endpoint must be an http(s) URL, got '${endpoint}'`);
  const region = stringFlag(values, 'region') ?? (env.NIMBUS_REGION || env.AWS_REGION || DEFAULT_REGION);
  const key = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : { accessKeyId: 'test', secretAccessKey: 'test' };
  return { endpoint, region, credentials: key };
}

function overrides(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of stringList(values, 'parameter-overrides').flatMap((v) => v.split(/\s+/)).filter((v) => v !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`--parameter-overrides takes Name=Value, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function printPlan(io: CliIo, plan: Plan, json: boolean, verb: string): void {
  if (json) io.out(JSON.stringify(plan, null, 2));
  else if (plan.changes.length === 0) io.out(`app ${plan.app}: no changes`);
  else {
    io.out(`app ${plan.app}: ${plan.changes.length} change(s)${verb}`);
    for (const c of plan.changes) io.out(`  ${describeChange(c)}`);
  }
}

/** Template problems and failed steps are the user's to fix: one clear message, exit 1. */
function failure(err: unknown, endpoint: string): never {
  if (err instanceof AppError) throw new CliError(err.message, 1);
  if (err instanceof ApplyError) throw new CliError(`${err.message}\nthe app's previous state is kept; fix the cause and deploy again`, 1);
  if (err instanceof AdminApiError) throw new CliError(err.message, 1);
  throw new CliError(describeApiError(err, endpoint), 1);
}

export const appCommand: CliCommand = {
  name: 'app',
  summary: 'Deploy, plan or delete an app from an AWS SAM template or serverless.yml',
  usage: [
    'app deploy|plan [DIR|FILE] [options] | app delete NAME',
    '',
    '  app deploy [DIR|FILE]   create, update and delete what differs from the last deploy',
    '  app plan [DIR|FILE]     print that plan and change nothing (= app deploy --dry-run)',
    '  app delete NAME         remove everything the app deployed',
    '',
    'DIR (default .) holds template.yaml, template.yml, template.json or serverless.yml.',
    '',
    'options:',
    '  --app NAME                  the app (stack) name; default: serverless service, else the directory name',
    '  --parameter-overrides K=V   a template parameter (repeatable, or several in one space-separated value)',
    '  --dry-run                   (deploy) print the plan only',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: { ...API_OPTIONS, app: { type: 'string' }, 'parameter-overrides': { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' } },
  async run({ values, positionals, io }) {
    const [action, ...args] = positionals;
    const json = booleanFlag(values, 'json');
    const platform = target(values, io.env);
    if (action === 'delete') {
      if (args.length !== 1) throw usageError('app delete takes one app name');
      const plan = await deleteApp(args[0] ?? '', platform, (line) => io.err(line)).catch((err: unknown) => failure(err, platform.endpoint));
      printPlan(io, plan, json, ' applied');
      return 0;
    }
    if (action !== 'deploy' && action !== 'plan') throw usageError(`unknown action '${action ?? ''}': expected deploy, plan or delete`);
    if (args.length > 1) throw usageError(`app ${action} takes one directory or template file`);
    const dryRun = action === 'plan' || booleanFlag(values, 'dry-run');
    const result = await deployApp({
      template: path.resolve(io.cwd, args[0] ?? '.'), app: stringFlag(values, 'app'), parameterOverrides: overrides(values), target: platform, zipDirectory: zipWithTypeScript, dryRun,
      progress: json ? undefined : (line) => io.err(line),
    }).catch((err: unknown) => failure(err, platform.endpoint));
    for (const note of result.notes) io.err(`note: ${note}`);
    printPlan(io, result.plan, json, result.applied ? ' applied' : dryRun ? ' planned (dry run: nothing changed)' : '');
    return 0;
  },
};
