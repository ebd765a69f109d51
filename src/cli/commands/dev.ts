// `nimbus dev [dir]`: the platform in this process (as `nimbus serve`), the directory's
// function deployed, and every saved change redeployed at once: the next call runs the
// new code while calls in flight finish on the old instance, which then retires.
// A directory with a SAM template or serverless.yml is deployed as an app instead, through
// src/apps, as `nimbus app deploy` (each deploy applies only the diff). See docs/dev.md.
import { createHash } from 'node:crypto';
import { access, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { NimbusError } from '../../errors.js';
import type { Logger, Platform } from '../../main.js';
import { loadFunctionCode } from '../bundle/index.js';
import { connect, describeApiError } from '../client.js';
import { booleanFlag, CliError, stringFlag, stringList, usageError, type CliCommand, type CliIo } from '../command.js';
import { DEFAULT_HANDLER } from '../deploy-args.js';
import { deployDevApp } from '../dev/app-deployer.js';
import { deployDevFunction, updateDevCode, type DevFunction } from '../dev/function-deployer.js';
import { watchInspectorTargets } from '../dev/inspector-urls.js';
import { watchTree } from '../dev/watch-tree.js';

const APP_FILES = ['template.yaml', 'template.yml', 'template.json', 'serverless.yml', 'serverless.yaml'];
const DEFAULT_INSPECT_PORT = 9229;
/** With a debugger attached a call may sit at a breakpoint: Lambda's longest timeout. */
const INSPECT_TIMEOUT_SECONDS = 900;

async function appFile(dir: string): Promise<string | undefined> {
  for (const name of APP_FILES) if (await access(path.join(dir, name)).then(() => true, () => false)) return name;
  return undefined;
}

/**
 * The platform's data lives outside the watched tree (a function dir is zipped whole, and the
 * store's writes would trigger reloads), in one place per project so a restart keeps it.
 */
function dataDirFor(values: Record<string, unknown>, cwd: string, dir: string): string {
  const given = stringFlag(values, 'data-dir');
  if (given !== undefined) return path.resolve(cwd, given);
  return path.join(os.tmpdir(), `nimbus-dev-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
}

function envVars(values: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of stringList(values, 'env')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--env expects KEY=VALUE, got '${pair}'`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

function inspectPort(values: Record<string, unknown>): number | undefined {
  const raw = stringFlag(values, 'inspect-port');
  if (raw === undefined) return booleanFlag(values, 'inspect') ? DEFAULT_INSPECT_PORT : undefined;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1024 && port <= 65535)) throw usageError(`--inspect-port must be 1024–65535, got '${raw}'`);
  return port;
}

function timeoutSeconds(values: Record<string, unknown>, inspecting: boolean): number {
  const raw = stringFlag(values, 'timeout');
  if (raw === undefined) return inspecting ? INSPECT_TIMEOUT_SECONDS : 3;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= 900)) throw usageError(`--timeout must be an integer 1–900 (seconds), got '${raw}'`);
  return value;
}

async function startPlatform(values: Record<string, unknown>, io: CliIo, dir: string, inspecting: boolean): Promise<{ platform: Platform; url: string; region: string }> {
  const sandbox = stringFlag(values, 'sandbox');
  // bwrap gives each instance its own network namespace: an inspector port there is unreachable.
  if (inspecting && sandbox === 'bwrap') throw usageError('--inspect needs the process sandbox (bwrap isolates the network, so no debugger could reach the port)');
  const flags = {
    port: stringFlag(values, 'port') ?? '9000',
    host: '127.0.0.1',
    dataDir: dataDirFor(values, io.cwd, dir),
    ...(inspecting ? { sandbox: 'process', sandboxInspector: 'true' } : sandbox === undefined ? {} : { sandbox }),
  };
  const logger: Logger = {
    info: (message) => io.out(`nimbus: ${message}`),
    error: (message, err) => io.err(`nimbus: ERROR ${message}${err instanceof Error ? `: ${err.message}` : ''}`),
  };
  try {
    const config = loadConfig({ flags, env: io.env, cwd: io.cwd });
    const { createPlatform } = await import('../../main.js');
    const platform = await createPlatform(config, { logger });
    return { platform, url: await platform.start(), region: config.region };
  } catch (err) {
    if (err instanceof NimbusError) throw new CliError(err.message, 2);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`${(err as Error).message}: another process uses this port; pass --port`, 2);
    throw err;
  }
}

/** Deploys (and later redeploys) what the directory holds; returns the reload step. */
async function firstDeploy(values: Record<string, unknown>, io: CliIo, dir: string, url: string, region: string, inspectAt: number | undefined): Promise<() => Promise<string>> {
  const app = await appFile(dir);
  if (app !== undefined) {
    if (inspectAt !== undefined) throw usageError(`--inspect works on a single function directory; run nimbus dev on the function's CodeUri dir (found ${app} here)`);
    const deploy = (): Promise<string> => deployDevApp(dir, url, region, (line) => io.out(line));
    io.out(`nimbus dev: deployed ${await deploy()} from ${app}`);
    return deploy;
  }
  const name = stringFlag(values, 'name') ?? path.basename(dir).replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  const handler = stringFlag(values, 'handler') ?? DEFAULT_HANDLER;
  const env = { ...envVars(values), ...(inspectAt === undefined ? {} : { NIMBUS_INSPECT: `127.0.0.1:${inspectAt}` }) };
  const fn: DevFunction = { name, handler, env, timeoutSeconds: timeoutSeconds(values, inspectAt !== undefined) };
  const { lambda } = connect({ endpoint: url }, io.env);
  try {
    await deployDevFunction(lambda, fn, await loadFunctionCode(dir, handler));
  } catch (err) {
    throw err instanceof CliError ? err : new CliError(describeApiError(err, url));
  }
  io.out(`nimbus dev: deployed ${name} (handler ${handler})`);
  return async () => {
    await updateDevCode(lambda, name, await loadFunctionCode(dir, handler));
    return name;
  };
}

async function runDev(values: Record<string, unknown>, positionals: readonly string[], io: CliIo): Promise<number> {
  if (positionals.length > 1) throw usageError(`expected one directory, got ${positionals.length}`);
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw usageError(`'${dir}' is not a directory`);
  const inspectAt = inspectPort(values);
  const { platform, url, region } = await startPlatform(values, io, dir, inspectAt !== undefined);
  io.out(`nimbus listening on ${url}`);
  let reload: () => Promise<string>;
  try {
    reload = await firstDeploy(values, io, dir, url, region, inspectAt);
  } catch (err) {
    await platform.dispose();
    throw err;
  }
  const ignored = [path.relative(dir, dataDirFor(values, io.cwd, dir))];
  const watcher = watchTree(dir, ignored, (err) => io.err(`nimbus dev: watching ${dir} failed: ${err.message}`), async (changed) => {
    const started = performance.now();
    try {
      const what = await reload();
      io.out(`nimbus dev: reloaded ${what} in ${Math.round(performance.now() - started)} ms (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})`);
    } catch (err) {
      // A syntax error mid-edit: say so and keep serving the last good code.
      io.err(`nimbus dev: reload failed: ${err instanceof CliError ? err.message : describeApiError(err, url)}`);
    }
  });
  const inspector = inspectAt === undefined ? undefined : watchInspectorTargets('127.0.0.1', inspectAt, (ws) => io.out(`nimbus dev: debugger can attach at ${ws}`));
  if (inspectAt !== undefined) io.out(`nimbus dev: the function's instance opens an inspector on 127.0.0.1:${inspectAt} when it starts (first invoke)`);
  io.out(`nimbus dev: watching ${dir}`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      io.out(`nimbus dev: ${signal}: stopping`);
      watcher.close();
      inspector?.close();
      platform.dispose().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

export const devCommand: CliCommand = {
  name: 'dev',
  summary: 'Serve the platform, deploy this directory and redeploy on every change',
  usage: [
    'dev [dir] [options]',
    '',
    'A function directory is deployed as one function (a .ts handler is bundled); a directory with',
    'template.yaml or serverless.yml is deployed as an app. Saved changes redeploy in well under a second.',
    '',
    'options:',
    '  --name N           function name (default: the directory name)',
    `  --handler H        file.export (default ${DEFAULT_HANDLER})`,
    '  --env K=V          environment variable; repeat for more',
    '  --timeout S        1–900 (default 3; 900 with --inspect)',
    '  --port P           platform port (default 9000)',
    '  --data-dir D       platform data (default: a directory per project under the temp dir)',
    '  --sandbox S        auto|bwrap|process (--inspect uses process)',
    `  --inspect          open a Node inspector on the function's instance (port ${DEFAULT_INSPECT_PORT})`,
    '  --inspect-port P   the same, on port P',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    handler: { type: 'string' },
    env: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    sandbox: { type: 'string' },
    inspect: { type: 'boolean' },
    'inspect-port': { type: 'string' },
  },
  run: ({ values, positionals, io }) => runDev(values, positionals, io),
};
