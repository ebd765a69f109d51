// Runs `nimbus dev` as a user does (a child process on a free port, its own data dir) and
// reads what it prints.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NIMBUS_BIN } from '../helpers/server.js';

export interface DevSession {
  readonly url: string;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (from `from` on). */
  waitFor(pattern: RegExp, ms?: number, from?: number): Promise<RegExpExecArray>;
  /** Invokes and returns the parsed payload (function errors throw). */
  invoke(name: string, event?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startDev(dir: string, args: readonly string[] = []): Promise<DevSession> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-dev-data-'));
  const child = spawn(process.execPath, [NIMBUS_BIN, 'dev', dir, '--port', '0', '--data-dir', dataDir, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = async (pattern: RegExp, ms = 20_000, from = 0): Promise<RegExpExecArray> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = pattern.exec(output.slice(from));
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in nimbus dev output:\n${output}`);
      await sleep(20);
    }
  };
  const url = (await waitFor(/listening on (http:\/\/\S+)/))[1] as string;
  await waitFor(/nimbus dev: watching/);
  const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  return {
    url,
    output: () => output,
    waitFor,
    async invoke(name, event = {}) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
      const text = Buffer.from(out.Payload ?? new Uint8Array()).toString();
      if (out.FunctionError !== undefined) throw new Error(`${name} failed: ${text}`);
      return JSON.parse(text) as unknown;
    },
    async stop() {
      lambda.destroy();
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
