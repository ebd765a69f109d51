// `nimbus deploy`: create the function, or update its code (and its configuration
// when flags ask for it), then wait as CDK and Terraform do, with the SDK's waiters.
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { API_OPTIONS, API_OPTIONS_HELP, connect, describeApiError, type Api } from '../client.js';
import { booleanFlag, CliError, usageError, type CliCommand } from '../command.js';
import { appCommand } from './app.js';
import { loadFunctionCode } from '../bundle/index.js';
import { DEFAULT_HANDLER, DEFAULT_ROLE, DEFAULT_RUNTIME, parseDeployArgs } from '../deploy-args.js';
import { toJson } from '../format.js';

const MAX_WAIT_SECONDS = 300;
/** The files that make a directory an app (src/apps): `nimbus deploy` there deploys the app. */
const APP_TEMPLATES = ['template.yaml', 'template.yml', 'template.json', 'serverless.yml'];
const SINGLE_FUNCTION_FLAGS = ['handler', 'runtime', 'memory', 'timeout', 'env', 'description', 'role'];

/** Whether `nimbus deploy <target>` (no --name) means an app: a template file, or a directory holding one. */
function isAppTarget(target: string): boolean {
  if (!existsSync(target)) return false;
  if (statSync(target).isFile()) return APP_TEMPLATES.includes(path.basename(target));
  return APP_TEMPLATES.some((file) => existsSync(path.join(target, file)));
} // the V2 waiters' own ceiling in the Lambda model

async function find(api: Api, name: string): Promise<FunctionConfiguration | undefined> {
  try {
    return (await api.lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw new CliError(describeApiError(err, api.endpoint));
  }
}

/**
 * The SDK waiters swallow errors and poll until their deadline; when one gives up,
 * a last GetFunction says why (a Failed state, or the platform being gone).
 */
async function settle(api: Api, name: string, waiter: typeof waitUntilFunctionActiveV2): Promise<FunctionConfiguration> {
  try {
    await waiter({ client: api.lambda, maxWaitTime: MAX_WAIT_SECONDS }, { FunctionName: name });
  } catch {
    const config = await api.call((lambda) => lambda.send(new GetFunctionCommand({ FunctionName: name })));
    const c = config.Configuration ?? {};
    const reason = c.State === 'Failed' ? c.StateReason : c.LastUpdateStatus === 'Failed' ? c.LastUpdateStatusReason : undefined;
    throw new CliError(reason !== undefined ? `${name} failed: ${reason}` : `${name} did not settle within ${MAX_WAIT_SECONDS}s (State=${c.State}, LastUpdateStatus=${c.LastUpdateStatus})`);
  }
  const done = await api.call((lambda) => lambda.send(new GetFunctionCommand({ FunctionName: name })));
  return done.Configuration ?? {};
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'Create or update a function from a directory or a .zip',
  usage: [
    'deploy <dir|file.zip> --name N [options]',
    'deploy [DIR|TEMPLATE] [--app NAME] [--parameter-overrides K=V] [--dry-run]',
    '',
    'Without --name, a directory holding template.yaml/template.json/serverless.yml (or such a',
    'file) deploys the whole app, as `nimbus app deploy` does (docs/from-aws.md).',
    'A directory is zipped reproducibly (sorted, fixed times, .git left out); a .zip is sent as is.',
    'On update only the code changes, plus the configuration flags given (--env replaces all variables).',
    '',
    'options:',
    '  --name N           function name (required)',
    `  --handler H        file.export (default ${DEFAULT_HANDLER} on create)`,
    `  --runtime R        runtime id (default ${DEFAULT_RUNTIME} on create)`,
    '  --memory MB        128–10240',
    '  --timeout S        1–900',
    '  --env K=V          environment variable; repeat for more',
    '  --description D    free text, up to 256 characters',
    `  --role ARN         execution role (default ${DEFAULT_ROLE} on create)`,
    API_OPTIONS_HELP,
  ].join('\n'),
  options: {
    name: { type: 'string' },
    handler: { type: 'string' },
    runtime: { type: 'string' },
    memory: { type: 'string' },
    timeout: { type: 'string' },
    env: { type: 'string', multiple: true },
    description: { type: 'string' },
    role: { type: 'string' },
    app: { type: 'string' },
    'parameter-overrides': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values, positionals, io }) {
    if (values['name'] === undefined && positionals.length <= 1 && isAppTarget(path.resolve(io.cwd, positionals[0] ?? '.'))) {
      const stray = SINGLE_FUNCTION_FLAGS.filter((flag) => values[flag] !== undefined);
      if (stray.length > 0) throw usageError(`--${stray.join(', --')} describe one function; an app's template describes its functions`);
      return appCommand.run({ values, positionals: ['deploy', ...positionals], io });
    }
    for (const flag of ['app', 'parameter-overrides', 'dry-run']) {
      if (values[flag] !== undefined) throw usageError(`--${flag} goes with an app template (template.yaml, template.json or serverless.yml)`);
    }
    const spec = parseDeployArgs(values, positionals, io.cwd);
    // Local mistakes first, before any connection; a .ts handler is bundled (src/cli/bundle/).
    const zip = await loadFunctionCode(spec.codePath, spec.changes.Handler ?? DEFAULT_HANDLER);
    const api = connect(values, io.env);
    const { name, changes } = spec;
    const existing = await find(api, name);
    let final: FunctionConfiguration;
    if (existing === undefined) {
      await api.call((lambda) =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Code: { ZipFile: zip },
            Handler: DEFAULT_HANDLER,
            Runtime: DEFAULT_RUNTIME,
            Role: DEFAULT_ROLE,
            ...changes,
          }),
        ),
      );
      final = await settle(api, name, waitUntilFunctionActiveV2);
    } else {
      await api.call((lambda) => lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip })));
      final = await settle(api, name, waitUntilFunctionUpdatedV2);
      if (Object.keys(changes).length > 0) {
        await api.call((lambda) => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...changes })));
        final = await settle(api, name, waitUntilFunctionUpdatedV2);
      }
    }
    if (booleanFlag(values, 'json')) io.out(toJson(final));
    else io.out(`deployed ${name} ${existing === undefined ? 'created' : 'updated'} sha256=${final.CodeSha256 ?? '?'} size=${final.CodeSize ?? '?'}`);
    return 0;
  },
};
