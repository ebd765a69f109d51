// Bucket notifications end to end through the real S3 API and a real `nimbus serve`:
// the exact event record, prefix/suffix filters, removal events, the async path's retry
// and destination rules, and events surviving kill -9 between the write and the delivery.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, type S3Client,
  type LambdaFunctionConfiguration,
} from '@aws-sdk/client-s3';
import { deploy } from '../helpers/functions.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { s3Client } from '../helpers/s3.js';
import { functionArn as arn, RECORDER, recorded, useS3Platform } from '../helpers/s3-platform.js';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';

interface S3Record {
  eventVersion: string; eventSource: string; awsRegion: string; eventTime: string; eventName: string;
  userIdentity: { principalId: string }; requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string; configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

/** The S3 records (one per event) a recorder logged, in log order. */
function s3Records(messages: string[]): S3Record[] {
  return recorded<{ Records?: S3Record[] }>(messages).flatMap((event) => event.Records ?? []);
}

async function notify(s3: S3Client, bucket: string, configs: LambdaFunctionConfiguration[]): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { LambdaFunctionConfigurations: configs } }));
}

/** Waits until the function has no queued or running async events. */
async function drained(server: RunningServer, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const list = async (status: string): Promise<number> =>
      ((await (await fetch(`${server.url}/nimbus/v1/events?function=${name}&status=${status}`)).json()) as { Events: unknown[] }).Events.length;
    if ((await list('queued')) + (await list('leased')) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`events of ${name} still pending`);
}

describe('S3 bucket notifications', () => {
  const p = useS3Platform({ args: ['--async-retry-delays-seconds', '0.2,0.3'] });
  before(() => deploy(p.lambda, 'recorder', RECORDER));

  test('an upload invokes the function with S3\'s event record, every field', async () => {
    await notify(p.s3, 'shapes', [{ Id: 'shape-config', LambdaFunctionArn: arn('recorder'), Events: ['s3:ObjectCreated:*'] }]);
    const before = Date.now();
    const put = await p.s3.send(new PutObjectCommand({ Bucket: 'shapes', Key: 'dir/my file@x.txt', Body: 'hello, s3' }));
    const [record, ...more] = s3Records(await waitForLogs(p.logs, 'recorder', (m) => s3Records(m).some((r) => r.s3.bucket.name === 'shapes')))
      .filter((r) => r.s3.bucket.name === 'shapes');
    assert.equal(more.length, 0);
    assert.ok(record);
    const { eventTime, responseElements, s3: { object: { sequencer, ...object }, ...s3Rest }, ...rest } = record;
    assert.deepEqual(rest, {
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:test' }, requestParameters: { sourceIPAddress: '127.0.0.1' },
    });
    assert.ok(Date.parse(eventTime) >= before - 1000 && Date.parse(eventTime) <= Date.now(), eventTime);
    assert.match(eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(Object.keys(responseElements), ['x-amz-request-id', 'x-amz-id-2']);
    assert.equal(responseElements['x-amz-request-id'], put.$metadata.requestId);
    assert.match(responseElements['x-amz-id-2'] ?? '', /^[A-Za-z0-9+/=]{20,}$/);
    assert.deepEqual(s3Rest, {
      s3SchemaVersion: '1.0', configurationId: 'shape-config',
      bucket: { name: 'shapes', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::shapes' },
    });
    assert.deepEqual(object, { key: 'dir/my+file%40x.txt', size: 9, eTag: put.ETag?.replaceAll('"', '') });
    assert.match(sequencer, /^[0-9A-F]{16,}$/);
  });

  test('prefix and suffix filters: only keys matching every rule invoke; each matching configuration does', async () => {
    await notify(p.s3, 'filtered', [
      { Id: 'in-txt', LambdaFunctionArn: arn('recorder'), Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.txt' }] } } },
      { Id: 'csv', LambdaFunctionArn: arn('recorder'), Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } } },
    ]);
    for (const key of ['in/a.txt', 'in/a.csv', 'out/b.txt', 'in/', 'IN/c.txt', 'in/d.TXT', 'in/e.txt.bak']) {
      await p.s3.send(new PutObjectCommand({ Bucket: 'filtered', Key: key, Body: key }));
    }
    await p.s3.send(new DeleteObjectCommand({ Bucket: 'filtered', Key: 'in/a.txt' })); // no removal configuration: nothing
    await waitForLogs(p.logs, 'recorder', (m) => s3Records(m).filter((r) => r.s3.bucket.name === 'filtered').length >= 2);
    await drained(p.server, 'recorder');
    const seen = s3Records(await waitForLogs(p.logs, 'recorder', () => true)).filter((r) => r.s3.bucket.name === 'filtered');
    assert.deepEqual(seen.map((r) => `${r.s3.configurationId} ${r.eventName} ${r.s3.object.key}`).sort(), [
      'csv ObjectCreated:Put in/a.csv',
      'in-txt ObjectCreated:Put in/a.txt',
    ]);
  });

  test('ObjectRemoved events for DeleteObject and each key of DeleteObjects, without size or eTag', async () => {
    await notify(p.s3, 'removals', [{ Id: 'gone', LambdaFunctionArn: arn('recorder'), Events: ['s3:ObjectRemoved:*'] }]);
    for (const key of ['one', 'two', 'three']) await p.s3.send(new PutObjectCommand({ Bucket: 'removals', Key: key, Body: key }));
    await p.s3.send(new DeleteObjectCommand({ Bucket: 'removals', Key: 'one' }));
    await p.s3.send(new DeleteObjectsCommand({ Bucket: 'removals', Delete: { Objects: [{ Key: 'two' }, { Key: 'three' }] } }));
    const seen = s3Records(await waitForLogs(p.logs, 'recorder', (m) => s3Records(m).filter((r) => r.s3.bucket.name === 'removals').length >= 3))
      .filter((r) => r.s3.bucket.name === 'removals');
    assert.deepEqual(seen.map((r) => `${r.eventName} ${r.s3.object.key}`).sort(), ['ObjectRemoved:Delete one', 'ObjectRemoved:Delete three', 'ObjectRemoved:Delete two']);
    for (const r of seen) assert.deepEqual(Object.keys(r.s3.object), ['key', 'sequencer']);
  });

  test('S3 events follow the function\'s async rules: retries, then the OnFailure destination', async () => {
    await deploy(p.lambda, 'rejects-uploads', { 'index.js': 'exports.handler = async () => { throw new Error("cannot handle " + Date.now()); };' });
    await p.lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'rejects-uploads', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: arn('recorder') } },
    }));
    await notify(p.s3, 'rejected', [{ Id: 'r', LambdaFunctionArn: arn('rejects-uploads'), Events: ['s3:ObjectCreated:*'] }]);
    await p.s3.send(new PutObjectCommand({ Bucket: 'rejected', Key: 'bad.bin', Body: 'x' }));
    const isFailure = (m: string): boolean => m.includes('\tRECORD ') && m.includes('"condition":"RetriesExhausted"') && m.includes('bad.bin');
    const line = (await waitForLogs(p.logs, 'recorder', (m) => m.some(isFailure))).find(isFailure) ?? '';
    const destination = JSON.parse(line.slice(line.indexOf('RECORD ') + 7)) as { requestContext: { approximateInvokeCount: number }; requestPayload: { Records: S3Record[] } };
    assert.equal(destination.requestContext.approximateInvokeCount, 2);
    assert.equal(destination.requestPayload.Records[0]?.s3.object.key, 'bad.bin');
  });
});

describe('S3 notifications across a crash', () => {
  test('changes written just before kill -9 are delivered after the restart', async () => {
    const dataDir = await makeDataDir();
    let server = await startServer({ dataDir, keepDataDir: true });
    try {
      const lambda = server.lambda();
      // Slow and one at a time: at the crash most events are still waiting.
      await deploy(lambda, 'slow', { 'index.js': 'exports.handler = async (event) => { await new Promise((r) => setTimeout(r, 300)); console.log("GOT " + event.Records[0].s3.object.key); };' });
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 1 }));
      const s3 = s3Client(server);
      await notify(s3, 'crashy', [{ Id: 'c', LambdaFunctionArn: arn('slow'), Events: ['s3:ObjectCreated:*'] }]);
      const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'crashy', Key, Body: Key }))));
      s3.destroy();
      assert.equal(await server.stop('SIGKILL'), null);

      // What the crash left: outbox rows and undelivered async events, all on disk.
      const db = new Database(path.join(dataDir, 'nimbus.db'), { readonly: true });
      const outbox = (db.prepare('SELECT COUNT(*) AS n FROM s3_object_events').get() as { n: number }).n;
      const pending = (db.prepare("SELECT COUNT(*) AS n FROM async_events WHERE name = 'slow' AND status IN ('queued', 'leased')").get() as { n: number }).n;
      db.close();
      assert.ok(outbox + pending > 0, 'nothing was in flight at the crash');

      server = await startServer({ dataDir, keepDataDir: true });
      const logs = logsClient(server);
      await waitForLogs(logs, 'slow', (m) => keys.every((k) => m.some((line) => line.includes(`GOT ${k}`))), 30_000);
      logs.destroy();
    } finally {
      await server.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
