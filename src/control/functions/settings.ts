// Domain rules for a function's settings (lambda-reference §1.6, §1.8). Every failure
// names the field as the Lambda API spells it.
import { invalidParameter, NimbusError } from '../../errors.js';
import type { FunctionSettings } from '../../store/records.js';
import { SUPPORTED_RUNTIMES } from './runtimes.js';

/** What a create or update may set; undefined = not given. */
export interface SettingsInput {
  readonly runtime?: string | undefined;
  readonly handler?: string | undefined;
  readonly role?: string | undefined;
  readonly description?: string | undefined;
  readonly timeout?: number | undefined;
  readonly memorySize?: number | undefined;
  readonly ephemeralStorageMb?: number | undefined;
  readonly environment?: Readonly<Record<string, string>> | undefined;
  readonly architectures?: readonly string[] | undefined;
  readonly tracingMode?: string | undefined;
  readonly logFormat?: string | undefined;
  readonly logGroup?: string | undefined;
  readonly deadLetterTargetArn?: string | undefined;
  /** Layer version ARNs, in order; [] removes them all. */
  readonly layers?: readonly string[] | undefined;
}

const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const ENV_LIMIT_BYTES = 4096;
/** Keys the runtime sets itself (lambda-reference §4.1); Lambda refuses them too. */
const RESERVED_ENV_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_LAMBDA_RUNTIME_API', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(field, `must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

function validateEnvironment(vars: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const [key, value] of Object.entries(vars)) {
    if (!ENV_KEY.test(key)) {
      throw invalidParameter('Environment.Variables', `key '${key}' must start with a letter and contain only letters, digits and '_' (at least 2 characters)`);
    }
    if (RESERVED_ENV_KEYS.has(key)) {
      throw invalidParameter('Environment.Variables', `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${key}`);
    }
    if (typeof value !== 'string') throw invalidParameter('Environment.Variables', `value of '${key}' must be a string`);
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw new NimbusError(
      'InvalidParameterValueException',
      `Environment.Variables: Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured.slice(0, 200)}${measured.length > 200 ? '…' : ''}`,
    );
  }
  return Object.freeze({ ...vars });
}

const DEFAULTS = {
  description: '', timeout: 3, memorySize: 128, ephemeralStorageMb: 512,
  architectures: ['x86_64'] as const, tracingMode: 'PassThrough' as const, logFormat: 'Text' as const,
};

/** Applies `input` over `base` (or the defaults on create) and checks every rule. */
export function resolveSettings(input: SettingsInput, base: FunctionSettings | undefined): FunctionSettings {
  const runtime = input.runtime ?? base?.runtime;
  if (runtime === undefined) throw invalidParameter('Runtime', 'is required for a Zip package');
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw invalidParameter('Runtime', `'${runtime}' is not supported by this platform; use one of ${SUPPORTED_RUNTIMES.join(', ')}`);
  }
  const handler = input.handler ?? base?.handler;
  if (handler === undefined) throw invalidParameter('Handler', 'is required for a Zip package');
  if (handler.length < 1 || handler.length > 128 || /\s/.test(handler)) {
    throw invalidParameter('Handler', `must be 1 to 128 characters without whitespace (got '${handler}')`);
  }
  const role = input.role ?? base?.role;
  if (role === undefined) throw invalidParameter('Role', 'is required (any IAM role ARN, e.g. arn:aws:iam::000000000000:role/nimbus)');
  if (!ROLE.test(role)) throw invalidParameter('Role', `'${role}' is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)`);
  const description = input.description ?? base?.description ?? DEFAULTS.description;
  if (description.length > 256) throw invalidParameter('Description', `must be at most 256 characters (got ${description.length})`);
  const architectures = input.architectures ?? base?.architectures ?? DEFAULTS.architectures;
  if (architectures.length !== 1 || !['x86_64', 'arm64'].includes(architectures[0] as string)) {
    throw invalidParameter('Architectures', `must be exactly one of x86_64, arm64 (got ${JSON.stringify(architectures)})`);
  }
  const tracingMode = input.tracingMode ?? base?.tracingMode ?? DEFAULTS.tracingMode;
  if (tracingMode !== 'Active' && tracingMode !== 'PassThrough') throw invalidParameter('TracingConfig.Mode', `must be Active or PassThrough (got '${tracingMode}')`);
  const logFormat = input.logFormat ?? base?.logFormat ?? DEFAULTS.logFormat;
  if (logFormat !== 'Text' && logFormat !== 'JSON') throw invalidParameter('LoggingConfig.LogFormat', `must be Text or JSON (got '${logFormat}')`);
  const logGroup = input.logGroup ?? base?.logGroup;
  if (logGroup !== undefined && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(logGroup)) throw invalidParameter('LoggingConfig.LogGroup', `'${logGroup}' is not a valid log group name`);
  const environment = input.environment !== undefined ? validateEnvironment(input.environment) : base?.environment;
  return Object.freeze({
    runtime,
    handler,
    role,
    description,
    timeout: intInRange('Timeout', input.timeout ?? base?.timeout ?? DEFAULTS.timeout, 1, 900),
    memorySize: intInRange('MemorySize', input.memorySize ?? base?.memorySize ?? DEFAULTS.memorySize, 128, 10240),
    ephemeralStorageMb: intInRange('EphemeralStorage.Size', input.ephemeralStorageMb ?? base?.ephemeralStorageMb ?? DEFAULTS.ephemeralStorageMb, 512, 10240),
    environment,
    architectures: [architectures[0] as 'x86_64' | 'arm64'],
    tracingMode,
    logFormat,
    logGroup,
    deadLetterTargetArn: input.deadLetterTargetArn ?? base?.deadLetterTargetArn,
    // Resolved (they must exist) by FunctionService; kept as they were when not given.
    layers: base?.layers,
  });
}
