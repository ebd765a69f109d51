// Shared by the app tests: a fixture copied where a test may edit it, the CLI pointed at a
// running platform, and proof that each of an app's four triggers ran its function.
import assert from 'node:assert/strict';
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { nimbus, type CliResult } from '../helpers/cli.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { s3Client } from '../helpers/s3.js';
import { REPO_ROOT, type RunningServer } from '../helpers/server.js';
import { sqsClient } from '../helpers/sqs.js';

export async function copyFixture(name: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'nimbus-app-')), name);
  await cp(path.join(REPO_ROOT, 'test', 'fixtures', 'apps', name), dir, { recursive: true });
  return dir;
}

export function appCli(server: RunningServer, args: string[]): Promise<CliResult> {
  return nimbus(['app', ...args], { NIMBUS_ENDPOINT: server.url });
}

export async function deployOk(server: RunningServer, args: string[]): Promise<string> {
  const r = await appCli(server, ['deploy', ...args]);
  assert.equal(r.code, 0, `deploy failed:\n${r.stderr}`);
  return r.stdout;
}

export interface AppTriggers {
  readonly httpPath: string;
  readonly bucket: string;
  readonly queue: string;
  readonly s3Function: string;
  readonly sqsFunction: string;
  readonly scheduleFunction: string;
}

/** Fires the route, the bucket and the queue, and waits for the schedule's first tick. */
export async function assertTriggersFire(server: RunningServer, t: AppTriggers): Promise<void> {
  const res = await fetch(`${server.url}/http${t.httpPath}`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'hello, ana (dev, debug)');
  const s3 = s3Client(server);
  const sqs = sqsClient(server);
  const logs = logsClient(server);
  try {
    await s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: 'photos/cat.jpg', Body: 'meow' }));
    await s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: 'other/dog.jpg', Body: 'woof' })); // outside the prefix filter
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: t.queue }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'job-42' }));
    const s3Lines = await waitForLogs(logs, t.s3Function, (m) => m.some((l) => l.includes('EVENT aws:s3') && l.includes('photos/cat.jpg')));
    assert.ok(!s3Lines.some((l) => l.includes('other/dog.jpg')), 'the prefix filter holds');
    await waitForLogs(logs, t.sqsFunction, (m) => m.some((l) => l.includes('EVENT aws:sqs') && l.includes('job-42')));
    await waitForLogs(logs, t.scheduleFunction, (m) => m.some((l) => l.includes('EVENT aws.events') && l.includes('Scheduled Event')));
  } finally {
    s3.destroy();
    sqs.destroy();
    logs.destroy();
  }
}
