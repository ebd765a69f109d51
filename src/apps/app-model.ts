// What an app wants to exist on the platform, whatever file described it. Plain JSON, so the
// applied state can be stored as it is and compared field by field on the next deploy.

export interface FunctionUrlSpec {
  readonly authType: 'NONE' | 'AWS_IAM';
  readonly invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM';
  readonly cors?: Record<string, unknown>;
}

export interface EventInvokeSpec {
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
  readonly onSuccess?: string;
  readonly onFailure?: string;
}

export interface FunctionSpec {
  readonly name: string;
  /** Directory zipped as the code; its hash (set at deploy) is what the diff compares. */
  readonly codeDir: string;
  readonly codeSha256?: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly description?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly layers: readonly string[];
  readonly deadLetterTargetArn?: string;
  readonly reservedConcurrency?: number;
  readonly alias?: string;
  readonly provisionedConcurrency?: number;
  readonly url?: FunctionUrlSpec;
  readonly eventInvoke?: EventInvokeSpec;
}

export interface BucketSpec { readonly name: string }

export interface QueueSpec { readonly name: string; readonly attributes: Readonly<Record<string, string>> }

export interface RouteSpec { readonly routeKey: string; readonly function: string; readonly qualifier?: string }

export interface NotificationSpec {
  readonly bucket: string;
  readonly function: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface MappingSpec {
  readonly function: string;
  readonly queue: string;
  readonly batchSize?: number;
  readonly batchingWindowSeconds?: number;
  /** ['ReportBatchItemFailures'] or none. */
  readonly functionResponseTypes?: readonly string[];
  readonly maximumConcurrency?: number;
  readonly enabled: boolean;
}

export interface ScheduleSpec {
  readonly name: string;
  readonly function: string;
  readonly expression: string;
  readonly timezone?: string;
  readonly input?: unknown;
  readonly enabled: boolean;
}

/** Keyed by what identifies each resource on the platform, so plans compare by key. */
export interface AppModel {
  readonly app: string;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly buckets: Readonly<Record<string, BucketSpec>>;
  readonly queues: Readonly<Record<string, QueueSpec>>;
  readonly routes: Readonly<Record<string, RouteSpec>>;
  readonly notifications: Readonly<Record<string, NotificationSpec>>;
  readonly mappings: Readonly<Record<string, MappingSpec>>;
  readonly schedules: Readonly<Record<string, ScheduleSpec>>;
}

export const RESOURCE_KINDS = ['buckets', 'queues', 'functions', 'routes', 'notifications', 'mappings', 'schedules'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export function emptyModel(app: string): AppModel {
  return { app, functions: {}, buckets: {}, queues: {}, routes: {}, notifications: {}, mappings: {}, schedules: {} };
}

/** Where ARNs point: the platform's region and account (a 12-digit access key id is the account, as the platform reads it). */
export interface DeployContext {
  readonly app: string;
  /** The platform's URL: queue URLs (what Ref of a queue gives) start with it. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly baseDir: string;
  readonly parameterOverrides: Readonly<Record<string, string>>;
}

export const functionArn = (c: DeployContext, name: string): string => `arn:aws:lambda:${c.region}:${c.accountId}:function:${name}`;
export const queueArn = (c: DeployContext, name: string): string => `arn:aws:sqs:${c.region}:${c.accountId}:${name}`;
export const queueUrl = (c: DeployContext, name: string): string => `${c.endpoint}/${c.accountId}/${name}`;
export const queueNameOfArn = (arn: string): string => arn.split(':').at(-1) ?? arn;

/** A 12-digit access key id is the account, as the platform reads it; anything else is the default account. */
export const accountOf = (accessKeyId: string): string => (/^\d{12}$/.test(accessKeyId) ? accessKeyId : '000000000000');
