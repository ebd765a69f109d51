// The platform an app deploys to, reached only through its public APIs: the AWS SDK's
// Lambda, S3 and SQS clients, and Nimbus's admin API for routes and schedules.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface PlatformTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export class AdminApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AdminApiError';
  }
}

export interface AppPlatform {
  readonly target: PlatformTarget;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** One admin API request (/nimbus/v1/…); a non-2xx answer throws AdminApiError. */
  admin<T>(method: string, urlPath: string, body?: unknown): Promise<T | undefined>;
  destroy(): void;
}

export function connectPlatform(target: PlatformTarget): AppPlatform {
  const config = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  const lambda = new LambdaClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sqs = new SQSClient(config);
  return {
    target, lambda, s3, sqs,
    async admin<T>(method: string, urlPath: string, body?: unknown): Promise<T | undefined> {
      const res = await fetch(`${target.endpoint}/nimbus/v1${urlPath}`, {
        method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const text = await res.text();
      const parsed = text === '' ? undefined : (JSON.parse(text) as T & { message?: string; Message?: string });
      if (!res.ok) throw new AdminApiError(res.status, res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`, parsed?.message ?? parsed?.Message ?? '');
      return parsed;
    },
    destroy() {
      lambda.destroy();
      s3.destroy();
      sqs.destroy();
    },
  };
}
