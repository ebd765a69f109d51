// Starts a real `nimbus serve` process on a free port with its own data directory, the
// way a user runs it, and hands tests an SDK client pointed at it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const NIMBUS_BIN = path.join(REPO_ROOT, 'bin', 'nimbus.js');

export interface RunningServer {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  lambda(options?: { region?: string; accessKeyId?: string }): LambdaClient;
  /** Sends a signal and waits for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the server and deletes its data directory (unless kept). */
  dispose(): Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'nimbus-test-'));
}

export interface StartOptions {
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the data directory on dispose (the caller owns it). */
  readonly keepDataDir?: boolean;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? (await makeDataDir());
  const child = spawn(process.execPath, [NIMBUS_BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    const check = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  const clients: LambdaClient[] = [];
  let stopped: Promise<number | null> | undefined;
  const server: RunningServer = {
    url,
    dataDir,
    process: child,
    output: () => output,
    lambda(o = {}) {
      const client = new LambdaClient({
        endpoint: url,
        region: o.region ?? 'us-east-1',
        credentials: { accessKeyId: o.accessKeyId ?? 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    stop(signal = 'SIGTERM') {
      stopped ??= (async () => {
        for (const c of clients) c.destroy();
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      })();
      return stopped;
    },
    async dispose() {
      await server.stop();
      if (!options.keepDataDir && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
