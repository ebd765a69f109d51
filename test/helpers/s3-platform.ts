// A running platform with the clients the bucket-notification tests use, started before
// and stopped after the enclosing suite; and what their recorder functions log.
import { after, before } from 'node:test';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { logsClient } from './logs.js';
import { s3Client } from './s3.js';
import { startServer, type RunningServer, type StartOptions } from './server.js';

export interface S3Platform {
  readonly server: RunningServer;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;
}

export function useS3Platform(options: StartOptions = {}): S3Platform {
  const p = {} as { -readonly [K in keyof S3Platform]: S3Platform[K] };
  before(async () => {
    p.server = await startServer(options);
    p.lambda = p.server.lambda();
    p.s3 = s3Client(p.server);
    p.logs = logsClient(p.server);
  });
  after(async () => {
    p.s3.destroy();
    p.logs.destroy();
    await p.server.dispose();
  });
  return p;
}

export const functionArn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** A function that logs every event it gets as `RECORD <json>`. */
export const RECORDER = { 'index.js': 'exports.handler = async (event) => { console.log("RECORD " + JSON.stringify(event)); };' };

/** What a RECORDER-like function logged, in log order. */
export function recorded<T>(messages: readonly string[]): T[] {
  return messages.filter((m) => m.includes('\tRECORD ')).map((m) => JSON.parse(m.slice(m.indexOf('RECORD ') + 7)) as T);
}
