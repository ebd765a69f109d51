// The S3 repository contract: every Store implementation passes these (SQLite now,
// PostgreSQL in cluster mode). Call s3RepositoryContract() from an implementation's test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ObjectEventInput, ObjectRecord, PartRecord, S3Repository, UploadRecord } from '../../src/store/s3-ports.js';
import type { Store } from '../../src/store/ports.js';
import type { StoreFixture } from './store-contract.js';

const owner = { account: '111111111111', region: 'eu-west-1' };
const content = { contentType: 'text/plain', contentEncoding: undefined, contentDisposition: undefined, contentLanguage: undefined, cacheControl: 'no-cache', expires: undefined };

function object(bucket: string, key: string, fileId: string, over: Partial<ObjectRecord> = {}): ObjectRecord {
  return {
    bucket, key, size: 5, etag: '5d41402abc4b2a76b9719d911017c592', lastModified: 1000, content, userMetadata: { a: 'b' },
    checksum: { algorithm: 'CRC32', value: 'NhCmhg==' }, segments: [{ fileId, size: 5 }], ...over,
  };
}

function event(bucket: string, key: string, eventName: ObjectEventInput['eventName'] = 'ObjectCreated:Put'): ObjectEventInput {
  return {
    ...owner, bucket, key, eventName, eventTime: 2000, size: eventName.startsWith('ObjectCreated') ? 5 : undefined, eTag: undefined, versionId: undefined,
    sourceIp: '127.0.0.1', principalId: 'AKID', requestId: 'REQ', traceHeader: 'Root=1-abc',
  };
}

function upload(uploadId: string, bucket: string, key: string): UploadRecord {
  return { uploadId, bucket, key, initiated: 3000, initiator: 'AKID', content, userMetadata: {}, checksumAlgorithm: undefined };
}

function part(uploadId: string, partNumber: number, fileId: string): PartRecord {
  return { uploadId, partNumber, size: 10, etag: `etag${partNumber}`, lastModified: 4000, checksum: undefined, fileId };
}

const id = (n: number): string => n.toString(16).padStart(32, '0');

export function s3RepositoryContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`S3 repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let repo: S3Repository;
    before(async () => {
      fixture = await open();
      store = fixture.store;
      repo = store.objects;
    });
    after(async () => fixture.cleanup());

    test('bucket names are global: a second create returns the holder', async () => {
      assert.equal(await repo.createBucket({ ...owner, name: 'alpha', createdAt: 1 }), 'created');
      const again = await repo.createBucket({ account: '222222222222', region: 'us-east-1', name: 'alpha', createdAt: 2 });
      assert.deepEqual(again, { ...owner, name: 'alpha', createdAt: 1 });
      assert.deepEqual((await repo.listBuckets(owner.account)).map((b) => b.name), ['alpha']);
      assert.deepEqual(await repo.listBuckets('222222222222'), []);
    });

    test('a put commits the object and its outbox event together; sequencers increase', async () => {
      const first = await repo.putObject(object('alpha', 'k', id(1)), event('alpha', 'k'));
      assert.deepEqual(first, { ok: true, replaced: undefined });
      const second = await repo.putObject(object('alpha', 'k', id(2), { etag: 'e2' }), event('alpha', 'k'));
      assert.equal(second.ok && second.replaced?.segments[0]?.fileId, id(1));
      assert.deepEqual(await repo.getObject('alpha', 'k'), object('alpha', 'k', id(2), { etag: 'e2' }));
      const events = await repo.outbox.peek(10);
      assert.equal(events.length, 2);
      assert.deepEqual({ ...events[0], seq: 0, sequencer: '' }, { ...event('alpha', 'k'), seq: 0, sequencer: '' });
      assert.ok((events[1]?.seq ?? 0) > (events[0]?.seq ?? 0));
      assert.match(events[1]?.sequencer ?? '', /^[0-9A-F]{16}$/);
      assert.ok((events[1]?.sequencer ?? '') > (events[0]?.sequencer ?? ''));
      await repo.outbox.ack(events.map((e) => e.seq));
      assert.deepEqual(await repo.outbox.peek(10), []);
    });

    test('a failed condition or a missing bucket writes neither object nor event', async () => {
      assert.deepEqual(await repo.putObject(object('alpha', 'k', id(3)), event('alpha', 'k'), { absent: true }), { ok: false, reason: 'condition' });
      assert.deepEqual(await repo.putObject(object('alpha', 'k', id(3)), event('alpha', 'k'), { etag: 'other' }), { ok: false, reason: 'condition' });
      assert.deepEqual(await repo.putObject(object('nope', 'k', id(3)), event('nope', 'k')), { ok: false, reason: 'no-bucket' });
      assert.equal((await repo.putObject(object('alpha', 'k', id(3)), event('alpha', 'k'), { etag: 'e2' })).ok, true);
      const events = await repo.outbox.peek(10);
      assert.equal(events.length, 1);
      await repo.outbox.ack(events.map((e) => e.seq));
    });

    test('deleting keys writes one removal event per key that existed', async () => {
      await repo.putObject(object('alpha', 'k2', id(4)), event('alpha', 'k2'));
      const deleted = await repo.deleteObjects('alpha', ['k', 'k2', 'never'], (key) => event('alpha', key, 'ObjectRemoved:Delete'));
      assert.deepEqual(deleted.map((o) => o.key), ['k', 'k2']);
      const events = await repo.outbox.peek(10);
      assert.deepEqual(events.map((e) => `${e.eventName} ${e.key}`), ['ObjectCreated:Put k2', 'ObjectRemoved:Delete k', 'ObjectRemoved:Delete k2']);
      await repo.outbox.ack(events.map((e) => e.seq));
    });

    test('scans list keys in UTF-8 byte order within a prefix, from a position', async () => {
      const keys = ['a/1', 'a/2', 'a0', 'b', '\uFFFD', '\u{1F600}'];
      for (const [i, key] of keys.entries()) await repo.putObject(object('alpha', key, id(100 + i)), event('alpha', key));
      const scan = async (s: Parameters<S3Repository['scanObjects']>[1]): Promise<string[]> => (await repo.scanObjects('alpha', s)).map((o) => o.key);
      assert.deepEqual(await scan({ prefix: '', limit: 100 }), ['a/1', 'a/2', 'a0', 'b', '\uFFFD', '\u{1F600}']);
      assert.deepEqual(await scan({ prefix: 'a/', limit: 100 }), ['a/1', 'a/2']);
      assert.deepEqual(await scan({ prefix: '', after: 'a/1', limit: 2 }), ['a/2', 'a0']);
      assert.deepEqual(await scan({ prefix: '', atLeast: 'a0', limit: 100 }), ['a0', 'b', '\uFFFD', '\u{1F600}']);
      assert.deepEqual(await scan({ prefix: 'a', after: '0', limit: 100 }), ['a/1', 'a/2', 'a0']);
      await repo.outbox.ack((await repo.outbox.peek(100)).map((e) => e.seq));
    });

    test('multipart: parts replace by number, completion moves chosen parts into the object', async () => {
      assert.equal(await repo.createUpload(upload('u1', 'alpha', 'mp')), true);
      assert.equal((await repo.putPart(part('u1', 1, id(201)))).ok, true);
      assert.equal((await repo.putPart(part('u1', 2, id(202)))).ok, true);
      const replaced = await repo.putPart(part('u1', 2, id(203)));
      assert.equal(replaced.replaced?.fileId, id(202));
      assert.equal((await repo.putPart(part('u1', 3, id(204)))).ok, true);
      assert.deepEqual((await repo.listParts('u1', 1, 1)).map((p) => p.partNumber), [2]);
      assert.deepEqual((await repo.scanUploads('alpha', { prefix: 'm', keyMarker: undefined, uploadIdMarker: undefined, limit: 10 })).map((u) => u.uploadId), ['u1']);
      const stale = object('alpha', 'mp', id(201), { segments: [{ fileId: id(202), size: 10 }] });
      assert.deepEqual(await repo.completeUpload('u1', stale, event('alpha', 'mp', 'ObjectCreated:CompleteMultipartUpload')), { ok: false, reason: 'parts-changed' });
      const done = object('alpha', 'mp', id(201), { segments: [{ fileId: id(201), size: 10 }, { fileId: id(203), size: 10 }] });
      const outcome = await repo.completeUpload('u1', done, event('alpha', 'mp', 'ObjectCreated:CompleteMultipartUpload'));
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.unusedParts.map((p) => p.fileId), [id(204)]);
      assert.equal(await repo.getUpload('u1'), undefined);
      assert.deepEqual((await repo.getObject('alpha', 'mp'))?.segments.map((s) => s.fileId), [id(201), id(203)]);
      assert.deepEqual(await repo.completeUpload('u1', done, event('alpha', 'mp')), { ok: false, reason: 'no-upload' });
    });

    test('abort returns the parts; a part for a gone upload is refused', async () => {
      await repo.createUpload(upload('u2', 'alpha', 'x'));
      await repo.putPart(part('u2', 1, id(301)));
      assert.deepEqual((await repo.abortUpload('u2'))?.map((p) => p.fileId), [id(301)]);
      assert.equal(await repo.abortUpload('u2'), undefined);
      assert.equal((await repo.putPart(part('u2', 1, id(302)))).ok, false);
    });

    test('referenced files are every object segment and part', async () => {
      await repo.createUpload(upload('u3', 'alpha', 'y'));
      await repo.putPart(part('u3', 1, id(401)));
      const files = await repo.referencedFiles();
      assert.ok(files.has(id(401)) && files.has(id(201)) && files.has(id(203)) && files.has(id(100)));
      assert.ok(!files.has(id(1)) && !files.has(id(204)));
    });

    test('a bucket with objects is not deleted; an empty one goes with its uploads', async () => {
      assert.equal((await repo.deleteBucket('alpha')).outcome, 'not-empty');
      await repo.createBucket({ ...owner, name: 'beta', createdAt: 5 });
      await repo.createUpload(upload('u4', 'beta', 'z'));
      await repo.putPart(part('u4', 1, id(501)));
      const gone = await repo.deleteBucket('beta');
      assert.deepEqual([gone.outcome, gone.parts.map((p) => p.fileId)], ['deleted', [id(501)]]);
      assert.equal(await repo.getUpload('u4'), undefined);
      assert.equal((await repo.deleteBucket('beta')).outcome, 'missing');
    });

    test('notification configurations: stored whole, read by the notifier per scope', async () => {
      const config = { lambda: [{ id: 'n1', functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:f', events: ['s3:ObjectCreated:*'], filterRules: [{ name: 'suffix' as const, value: '.jpg' }] }], others: [{ QueueConfiguration: { Queue: 'q' } }] };
      assert.equal(await repo.putNotification('alpha', config), true);
      assert.deepEqual(await repo.getNotification('alpha'), config);
      assert.deepEqual(await repo.notifications.lambdaNotifications(owner, 'alpha'), config.lambda);
      assert.equal(await repo.notifications.lambdaNotifications({ account: '222222222222', region: 'eu-west-1' }, 'alpha'), undefined);
      assert.equal(await repo.notifications.lambdaNotifications(owner, 'nope'), undefined);
      assert.equal(await repo.putNotification('alpha', undefined), true);
      assert.deepEqual(await repo.notifications.lambdaNotifications(owner, 'alpha'), []);
      assert.equal(await repo.putNotification('nope', config), false);
    });

    test('everything committed survives a reopen, and the sequencer keeps counting up', async () => {
      const before = (await repo.outbox.peek(1000)).at(-1)?.seq ?? 0;
      await repo.outbox.ack((await repo.outbox.peek(1000)).map((e) => e.seq));
      store = await fixture.reopen();
      repo = store.objects;
      assert.equal((await repo.getObject('alpha', 'mp'))?.segments.length, 2);
      assert.equal((await repo.getUpload('u3'))?.key, 'y');
      await repo.putObject(object('alpha', 'after', id(600)), event('alpha', 'after'));
      const [next] = await repo.outbox.peek(1);
      assert.ok((next?.seq ?? 0) > before, 'a sequence number is never reused');
    });
  });
}
