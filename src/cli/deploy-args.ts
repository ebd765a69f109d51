// Checks `nimbus deploy` flags before any network call, with messages that name the
// flag. Ranges are Lambda's (lambda-reference.md §1.6, §1.8); the server checks again.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Runtime } from '@aws-sdk/client-lambda';
import { stringFlag, stringList, usageError, onePositional } from './command.js';
import { zipDirectory } from './zip-dir.js';

export const DEFAULT_HANDLER = 'index.handler';
export const DEFAULT_RUNTIME = 'nodejs20.x';
export const DEFAULT_ROLE = 'arn:aws:iam::000000000000:role/nimbus';

/** Only what the user gave: an update changes nothing else. */
export interface ConfigChanges {
  Handler?: string;
  Runtime?: Runtime;
  MemorySize?: number;
  Timeout?: number;
  Environment?: { Variables: Record<string, string> };
  Description?: string;
  Role?: string;
}

export interface DeploySpec {
  /** Absolute path of the directory or .zip. */
  readonly codePath: string;
  readonly name: string;
  readonly changes: ConfigChanges;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/; // the model's pattern: at least two characters
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-/]+$/;

function integerIn(values: Record<string, unknown>, flag: string, min: number, max: number, unit = ''): number | undefined {
  const raw = stringFlag(values, flag);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw usageError(`--${flag} must be an integer ${min}–${max}${unit}, got '${raw}'`);
  return value;
}

function environment(values: Record<string, unknown>): ConfigChanges['Environment'] {
  const pairs = stringList(values, 'env');
  if (pairs.length === 0) return undefined;
  const variables: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--env expects KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, at);
    if (!ENV_KEY.test(key)) throw usageError(`--env key '${key}' must be a letter followed by letters, digits or _ (two characters at least)`);
    variables[key] = pair.slice(at + 1);
  }
  return { Variables: variables };
}

function text(values: Record<string, unknown>, flag: string, check: (v: string) => boolean, why: string): string | undefined {
  const value = stringFlag(values, flag);
  if (value !== undefined && !check(value)) throw usageError(`--${flag} ${why}, got '${value}'`);
  return value;
}

export function parseDeployArgs(values: Record<string, unknown>, positionals: readonly string[], cwd: string): DeploySpec {
  const codePath = path.resolve(cwd, onePositional(positionals, 'path: nimbus deploy <dir|file.zip> --name N'));
  const name = stringFlag(values, 'name');
  if (name === undefined) throw usageError('--name is required');
  if (!NAME.test(name)) throw usageError(`--name must be 1–64 letters, digits, '-' or '_', got '${name}'`);
  const given: ConfigChanges = {
    Handler: text(values, 'handler', (v) => /^\S{1,128}$/.test(v), 'must be 1–128 characters without spaces'),
    // Any id goes: the platform, not this build of the SDK, knows which runtimes exist.
    Runtime: text(values, 'runtime', (v) => /^\S{1,64}$/.test(v), 'must be a runtime id such as nodejs20.x') as Runtime | undefined,
    MemorySize: integerIn(values, 'memory', 128, 10240, ' (MB)'),
    Timeout: integerIn(values, 'timeout', 1, 900, ' (seconds)'),
    Environment: environment(values),
    Description: text(values, 'description', (v) => v.length <= 256, 'must be at most 256 characters'),
    Role: text(values, 'role', (v) => ROLE.test(v), 'must be an IAM role ARN such as ' + DEFAULT_ROLE),
  };
  const changes = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ConfigChanges;
  return { codePath, name, changes };
}

/** The deployment package: a directory zipped reproducibly, or a .zip sent as is. */
export async function loadCode(codePath: string): Promise<Buffer> {
  let info;
  try {
    info = await stat(codePath);
  } catch {
    throw usageError(`path '${codePath}' does not exist`);
  }
  if (info.isDirectory()) return zipDirectory(codePath);
  const bytes = await readFile(codePath);
  // 'PK\3\4' starts a zip with entries, 'PK\5\6' an empty one.
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || !((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))) {
    throw usageError(`'${codePath}' is not a .zip file; pass a .zip or the directory to zip`);
  }
  return bytes;
}
