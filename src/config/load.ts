// Configuration is parsed once, at start-up, into a frozen object: flags > NIMBUS_*
// environment > config file > defaults. Nothing else in Nimbus reads process.env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NimbusError } from '../errors.js';
import { CONFIG_KEYS, configSchema, type Config, type ConfigKey } from './schema.js';

export type RawValues = Readonly<Record<string, unknown>>;

export interface ConfigSources {
  /** Parsed command-line flags, keys in camelCase (`dataDir`). */
  readonly flags?: RawValues;
  /** The process environment; only NIMBUS_* keys are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of an optional JSON config file (`--config` / NIMBUS_CONFIG). */
  readonly configFile?: string;
  /** Directory relative paths are resolved against. */
  readonly cwd?: string;
}

export function envName(key: ConfigKey): string {
  return 'NIMBUS_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

export function flagName(key: ConfigKey): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

function fromFile(file: string): RawValues {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new NimbusError('ConfigInvalid', `config file ${file}: cannot read it (${(err as Error).message})`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as RawValues;
  } catch (err) {
    throw new NimbusError('ConfigInvalid', `config file ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Where a value came from, so an error can name the key as the user wrote it. */
function describeKey(key: string, sources: { flags: RawValues; env: RawValues; file: RawValues }, file?: string): string {
  if (key in sources.flags && CONFIG_KEYS.includes(key as ConfigKey)) return flagName(key as ConfigKey);
  if (key in sources.env && CONFIG_KEYS.includes(key as ConfigKey)) return envName(key as ConfigKey);
  if (key in sources.file) return `${key} (in ${file ?? 'config file'})`;
  return key;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const configFile = sources.configFile ?? env.NIMBUS_CONFIG;
  const file = configFile ? fromFile(configFile) : {};
  const envValues = fromEnv(env);
  const flags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined));
  const merged = { ...file, ...envValues, ...flags };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? (issue && 'keys' in issue ? (issue.keys)[0] : 'config'));
    const where = describeKey(key, { flags, env: envValues, file }, configFile);
    const message = issue?.code === 'unrecognized_keys' ? 'is not a known configuration key' : issue?.message ?? 'invalid';
    throw new NimbusError('ConfigInvalid', `invalid configuration: ${where}: ${message}`);
  }
  const cwd = sources.cwd ?? process.cwd();
  return Object.freeze({ ...result.data, dataDir: path.resolve(cwd, result.data.dataDir) });
}
