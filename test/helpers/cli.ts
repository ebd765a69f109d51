// Runs the nimbus CLI as a user does: a child process, exit code and both streams.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NIMBUS_BIN } from './server.js';

const run = promisify(execFile);

export interface CliResult { code: number; stdout: string; stderr: string }

export async function nimbus(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [NIMBUS_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
