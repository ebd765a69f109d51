// The CLI's only way to the platform: the AWS SDK's LambdaClient pointed at Nimbus,
// so every command also exercises the API exactly as SDK users will.
import type { ParseArgsConfig } from 'node:util';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CliError, stringFlag, usageError } from './command.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';
export const DEFAULT_REGION = 'us-east-1';

/** Options every API command takes. */
export const API_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const API_OPTIONS_HELP = [
  `  --endpoint URL     platform to talk to (NIMBUS_ENDPOINT, default ${DEFAULT_ENDPOINT})`,
  `  --region R         region to sign for (NIMBUS_REGION, AWS_REGION, default ${DEFAULT_REGION})`,
  '  --json             print the API response as JSON',
].join('\n');

export interface Api {
  readonly lambda: LambdaClient;
  /**
   * A CloudWatch Logs client for the same endpoint, region and credentials. Loaded on
   * first use: the module costs ~120 ms to import, which only `nimbus logs` should pay.
   */
  logs(): Promise<CloudWatchLogsClient>;
  readonly endpoint: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** What requests are signed with (the environment's, or a placeholder an open platform accepts). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Runs one SDK call; any failure becomes a CliError with one clear line. */
  call<T>(fn: (lambda: LambdaClient) => Promise<T>): Promise<T>;
}

type Env = Readonly<Record<string, string | undefined>>;

function endpointOf(values: Record<string, unknown>, env: Env): string {
  const endpoint = stringFlag(values, 'endpoint') ?? (env.NIMBUS_ENDPOINT || DEFAULT_ENDPOINT);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`--endpoint must be an http(s) URL, got '${endpoint}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--endpoint must be an http(s) URL, got '${endpoint}'`);
  return endpoint.replace(/\/+$/, '');
}

export function connect(values: Record<string, unknown>, env: Env): Api {
  const endpoint = endpointOf(values, env);
  const region = stringFlag(values, 'region') ?? (env.NIMBUS_REGION || env.AWS_REGION || DEFAULT_REGION);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  // Nimbus accepts any credentials on loopback; explicit ones keep the SDK from
  // searching ~/.aws and instance metadata (slow, and confusing when absent).
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : { accessKeyId: 'test', secretAccessKey: 'test' };
  const lambda = new LambdaClient({ endpoint, region, credentials });
  let logs: Promise<CloudWatchLogsClient> | undefined;
  return {
    lambda,
    logs() {
      logs ??= import('@aws-sdk/client-cloudwatch-logs').then((m) => new m.CloudWatchLogsClient({ endpoint, region, credentials }));
      return logs;
    },
    endpoint,
    region,
    credentials,
    async call<T>(fn: (client: LambdaClient) => Promise<T>): Promise<T> {
      try {
        return await fn(lambda);
      } catch (err) {
        throw new CliError(describeApiError(err, endpoint), 1);
      }
    },
  };
}

function errorCodes(err: unknown): string[] {
  if (typeof err !== 'object' || err === null) return [];
  const { code, errors, cause } = err as { code?: unknown; errors?: unknown; cause?: unknown };
  // Node reports a failed connect to a name with several addresses (localhost: ::1
  // and 127.0.0.1) as an AggregateError; the SDK may wrap it as `cause`.
  const nested = [...(Array.isArray(errors) ? (errors as unknown[]) : []), ...(cause === undefined ? [] : [cause])];
  return [...(typeof code === 'string' ? [code] : []), ...nested.flatMap(errorCodes)];
}

/** One line, without the `error: ` prefix main.ts adds. */
export function describeApiError(err: unknown, endpoint: string): string {
  const codes = errorCodes(err);
  if (codes.includes('ECONNREFUSED')) return `no Nimbus platform answering at ${endpoint} (start one with \`npx nimbus serve\`)`;
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return `cannot resolve the host of ${endpoint}`;
  const network = codes.find((c) => /^E[A-Z]+$/.test(c));
  if (network !== undefined) return `connection to ${endpoint} failed (${network})`;
  if (!(err instanceof Error)) return String(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // An answer the SDK cannot parse means something other than a Lambda API listens there.
  if (err.message.startsWith('Deserialization error')) return `${endpoint} did not answer like the Lambda API (HTTP ${status ?? '?'})`;
  const message = err.message && err.message !== err.name ? err.message : `HTTP ${status ?? '?'}`;
  return `${err.name}: ${message}`;
}
