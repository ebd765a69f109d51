// External stores' trigger configuration and webhook bodies: parsing, validation and the
// mapping to the same event record, on the real SQLite temp.store. Over HTTP with a function
// receiving the events: test/integration/s3-external-events.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { ExternalS3Ingest } from '../../src/triggers/s3/external/external-ingest.js';
import { ExternalS3Triggers } from '../../src/triggers/s3/external/external-triggers.js';
import { notificationDocument, parseNotificationDocument } from '../../src/triggers/s3/notification-document.js';
import { minioBody } from '../helpers/minio-events.js';
import { useTempStore } from '../helpers/temp-store.js';

const scope = { account: '111122223333', region: 'eu-central-1' };
const TOKEN = 'a-token-of-sixteen-or-more';

const temp = useTempStore();

function rejects(fn: () => unknown, pattern: RegExp, code = 'InvalidParameterValueException'): void {
  assert.throws(fn, (err: unknown) => err instanceof NimbusError && err.code === code && pattern.test(err.message));
}

test('a notification document parses as S3 validates it, names completed into ARNs', () => {
  const parsed = parseNotificationDocument({
    LambdaFunctionConfigurations: [
      { Id: 'thumbs', LambdaFunctionArn: 'thumbnail', Events: ['s3:ObjectCreated:*', 's3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }, { Name: 'suffix', Value: '.jpg' }] } } },
      { LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:audit:live', Events: ['s3:ObjectRemoved:Delete'] },
    ],
  }, scope);
  assert.deepEqual(parsed[0], {
    id: 'thumbs', functionArn: 'arn:aws:lambda:eu-central-1:111122223333:function:thumbnail', events: ['s3:ObjectCreated:*'],
    filterRules: [{ name: 'prefix', value: 'in/' }, { name: 'suffix', value: '.jpg' }],
  });
  assert.equal(parsed[1]?.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:audit:live');
  assert.ok((parsed[1]?.id.length ?? 0) > 0);
  assert.deepEqual(parseNotificationDocument(notificationDocument(parsed), scope), parsed);
  assert.deepEqual(parseNotificationDocument({}, scope), []);

  const one = (c: Record<string, unknown>): unknown => ({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'f', Events: ['s3:ObjectCreated:*'], ...c }] });
  rejects(() => parseNotificationDocument(one({ Events: ['s3:ObjectCreate:*'] }), scope), /Events\[0\]: .*unknown event category/);
  rejects(() => parseNotificationDocument(one({ Events: [] }), scope), /Events: must list at least one event/);
  rejects(() => parseNotificationDocument(one({ LambdaFunctionArn: 'no spaces allowed' }), scope), /LambdaFunctionArn: .*not a function name or ARN/);
  rejects(() => parseNotificationDocument(one({ Filter: { Key: { FilterRules: [{ Name: 'middle', Value: 'x' }] } } }), scope), /FilterRules\[0\]\.Name: filter rule name must be either/);
  rejects(() => parseNotificationDocument(one({ Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a' }, { Name: 'Prefix', Value: 'b' }] } } }), scope), /more than one prefix rule/);
  rejects(() => parseNotificationDocument(one({ Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '' }] } } }), scope), /Value: must be 1 to 1024/);
  rejects(() => parseNotificationDocument(one({ Colour: 'red' }), scope), /LambdaFunctionConfigurations\[0\]: Unrecognized key/);
  rejects(() => parseNotificationDocument({ LambdaFunctionConfigurations: [{ Id: 'x', LambdaFunctionArn: 'f', Events: ['s3:ObjectCreated:*'] }, { Id: 'x', LambdaFunctionArn: 'g', Events: ['s3:ObjectRemoved:*'] }] }, scope), /Id: 'x' is used by another/);
  rejects(() => parseNotificationDocument({ QueueConfigurations: [] }, scope), /only LambdaFunctionConfigurations are supported/);
});

test('trigger configuration is kept per source and bucket; an empty document removes it', async () => {
  const triggers = new ExternalS3Triggers(temp.store.externalS3Triggers, () => 42);
  const doc = { LambdaFunctionConfigurations: [{ Id: 'n', LambdaFunctionArn: 'f', Events: ['s3:ObjectCreated:*'] }] };
  await triggers.put(scope, 'minio-a', 'photos', doc);
  await triggers.put(scope, 'minio-b', 'photos', doc);
  assert.deepEqual((await triggers.list(undefined)).map((t) => `${t.source}/${t.bucket}`), ['minio-a/photos', 'minio-b/photos']);
  assert.deepEqual((await triggers.get('minio-a', 'photos')).lastModified, 42);
  assert.equal(await triggers.put(scope, 'minio-a', 'photos', {}), undefined);
  assert.deepEqual((await triggers.list('minio-a')).length, 0);
  await assert.rejects(triggers.get('minio-a', 'photos'), /No trigger configuration for bucket 'photos' of source 'minio-a'/);
  await assert.rejects(triggers.delete('minio-a', 'photos'), (err: unknown) => err instanceof NimbusError && err.code === 'ResourceNotFoundException');
  await assert.rejects(triggers.put(scope, 'bad source', 'photos', doc), /source: 'bad source' must be/);
  await assert.rejects(triggers.put(scope, 'minio-a', 'Photos_1', doc), /bucket: 'Photos_1' is not a valid bucket name/);
  await triggers.delete('minio-b', 'photos');
});

test('a MinIO webhook body becomes the same S3 event record, delivered once however often it is posted', async () => {
  const triggers = new ExternalS3Triggers(temp.store.externalS3Triggers, Date.now);
  await triggers.put(scope, 'lab', 'uploads', { LambdaFunctionConfigurations: [{ Id: 'resize', LambdaFunctionArn: 'resizer', Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } }] });
  let wakes = 0;
  const ingest = new ExternalS3Ingest({ triggers: temp.store.externalS3Triggers, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => wakes++, token: TOKEN, onError: (err) => assert.fail(String(err)) });
  assert.deepEqual(await ingest.ingest('lab', minioBody('uploads', 'in%2Fcat+photo%40home.jpg')), { records: 1, invocations: 1 });
  assert.deepEqual(await ingest.ingest('lab', minioBody('uploads', 'in%2Fcat+photo%40home.jpg')), { records: 1, invocations: 1 });
  assert.deepEqual(await ingest.ingest('lab', minioBody('uploads', 'out%2Fcat.jpg')), { records: 1, invocations: 0 });
  assert.deepEqual(await ingest.ingest('lab', minioBody('uploads', 'in%2Fcat.jpg', 's3:ObjectRemoved:Delete')), { records: 1, invocations: 0 });
  assert.equal(wakes, 2);
  const queued = await temp.store.events.list({ ...scope, name: 'resizer', limit: 10 });
  assert.equal(queued.length, 1);
  const record = (JSON.parse(queued[0]?.payload.toString() ?? '') as { Records: Record<string, unknown>[] }).Records[0];
  assert.deepEqual(record, {
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'eu-central-1', eventTime: '2024-05-01T12:00:00.123Z', eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'minioadmin' }, requestParameters: { sourceIPAddress: '192.0.2.7' },
    responseElements: { 'x-amz-request-id': '17C9C2B4A3F0E9D1', 'x-amz-id-2': 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8' },
    s3: {
      s3SchemaVersion: '1.0', configurationId: 'resize',
      bucket: { name: 'uploads', ownerIdentity: { principalId: '111122223333' }, arn: 'arn:aws:s3:::uploads' },
      object: { key: 'in/cat+photo%40home.jpg', size: 1024, eTag: 'e2fc714c4727ee9395f324cd2e7f331f', sequencer: '17C9C2B4A41A0F3E' },
    },
  });
});

test('webhook bodies are validated, every record before any is delivered', async () => {
  const ingest = new ExternalS3Ingest({ triggers: temp.store.externalS3Triggers, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => undefined, token: TOKEN, onError: () => undefined });
  const body = minioBody('uploads', 'in%2Fa.jpg') as { Records: Record<string, unknown>[] };
  const withRecord = (patch: (r: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(body);
    patch(copy.Records[0] as Record<string, unknown>);
    return copy;
  };
  await assert.rejects(ingest.ingest('lab', { Records: [] }), /Records: must hold at least one record/);
  await assert.rejects(ingest.ingest('lab', { nothing: true }), /Records: is required/);
  await assert.rejects(ingest.ingest('lab', withRecord((r) => delete r.eventTime)), /Records\[0\]\.eventTime: is required/);
  await assert.rejects(ingest.ingest('lab', withRecord((r) => (r.eventTime = 'yesterday'))), /eventTime: 'yesterday' is not an ISO 8601 time/);
  await assert.rejects(ingest.ingest('lab', withRecord((r) => (r.eventName = 'uploaded'))), /eventName: 'uploaded' is not an S3 event name/);
  await assert.rejects(ingest.ingest('lab', withRecord((r) => ((r.s3 as { object: { key: string } }).object.key = '%E0%A4%A'))), /s3\.object\.key: is not URL-encoded/);
  await assert.rejects(ingest.ingest('lab', minioBody('No_Such', 'a')), /Records\[0\]\.s3\.bucket\.name: 'No_Such' is not a valid bucket name/);
  await assert.rejects(ingest.ingest('lab', minioBody('unconfigured', 'a')), (err: unknown) => err instanceof NimbusError && err.code === 'ResourceNotFoundException' && /nimbus s3-events put lab unconfigured/.test(err.message));
  await assert.rejects(ingest.ingest('lab', { Records: [...body.Records, ...(minioBody('unconfigured', 'b') as typeof body).Records] }), /bucket 'unconfigured'/);
  assert.equal((await temp.store.events.list({ ...scope, name: 'resizer', limit: 10 })).length, 1);
});

test('the token: MinIO sends Bearer <auth_token>; without a configured token nothing is accepted', () => {
  const ingest = new ExternalS3Ingest({ triggers: temp.store.externalS3Triggers, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => undefined, token: TOKEN, onError: () => undefined });
  ingest.authorize(`Bearer ${TOKEN}`);
  rejects(() => ingest.authorize(undefined), /does not carry the token/, 'AccessDeniedException');
  rejects(() => ingest.authorize(TOKEN), /does not carry the token/, 'AccessDeniedException');
  rejects(() => ingest.authorize(`Bearer ${TOKEN}x`), /does not carry the token/, 'AccessDeniedException');
  const disabled = new ExternalS3Ingest({ triggers: temp.store.externalS3Triggers, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => undefined, token: '', onError: () => undefined });
  rejects(() => disabled.authorize('Bearer '), /External S3 events are disabled/, 'AccessDeniedException');
});
