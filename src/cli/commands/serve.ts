// `nimbus serve`: the only command that builds the platform (through main.ts). Every
// config key is a flag (`--data-dir`), parsed once by loadConfig.
import { CONFIG_KEYS } from '../../config/schema.js';
import { flagName, loadConfig } from '../../config/load.js';
import { NimbusError } from '../../errors.js';
import type { Logger } from '../../main.js';
import type { CliCommand, CliIo } from '../command.js';

/** Config keys whose flag stands alone (`--allow-unauthenticated`), not `--flag value`. */
const BARE_FLAGS: readonly string[] = ['allowUnauthenticated'];

/** parseArgs options: one flag per config key (a string, or bare for BARE_FLAGS), plus --config. */
const serveOptions = Object.fromEntries([
  ...CONFIG_KEYS.map((key) => [flagName(key).slice(2), { type: BARE_FLAGS.includes(key) ? 'boolean' as const : 'string' as const }]),
  ['config', { type: 'string' as const }],
]) as Record<string, { type: 'string' | 'boolean' }>;

function toConfigKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

async function runServe(values: Record<string, unknown>, io: CliIo): Promise<number> {
  const flags = Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'config').map(([k, v]) => [toConfigKey(k), v]));
  const logger: Logger = {
    info: (message) => io.out(`${new Date().toISOString()} ${message}`),
    error: (message, err) => io.err(`${new Date().toISOString()} ERROR ${message}${err instanceof Error ? `: ${err.stack ?? err.message}` : err === undefined ? '' : `: ${JSON.stringify(err)}`}`),
  };
  let platform;
  try {
    const config = loadConfig({ flags, env: io.env, configFile: values.config as string | undefined, cwd: io.cwd });
    // Loaded here, not at the top: the other commands should not pay for the platform's modules.
    const { createPlatform } = await import('../../main.js');
    platform = await createPlatform(config, { logger });
    const url = await platform.start();
    io.out(`nimbus listening on ${url} (data in ${config.dataDir})`);
  } catch (err) {
    if (err instanceof NimbusError) {
      io.err(`nimbus: ${err.message}`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(`nimbus: ${(err as Error).message}: another process uses this port; pass --port`);
      return 2;
    }
    throw err;
  }
  const running = platform;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        io.err(`nimbus: ${signal} again, exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      io.out(`nimbus: ${signal}: stopping intake, finishing in-flight work`);
      running.dispose().then(
        () => {
          io.out('nimbus: stopped');
          resolve(0);
        },
        (err: unknown) => {
          logger.error('shutdown failed', err);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the Nimbus platform (API, sandboxes, store) in this process',
  usage: `serve [--port 9000] [--host 127.0.0.1] [--data-dir ./.nimbus] [--config file.json] [--sandbox auto|bwrap|process] ...
  Every key of docs/config.md is a flag; NIMBUS_* variables and a --config JSON file work too.
  A --host other than loopback needs an access key (nimbus keys create) or --allow-unauthenticated.`,
  options: serveOptions,
  run: ({ values, io }) => runServe(values, io),
};
