// The S3 repository contract on PostgreSQL (cluster mode's store), and what only a shared
// database has to show: two nodes (two stores on one schema) writing and draining at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ObjectEventInput, ObjectRecord } from '../../src/store/s3-ports.js';
import type { Store } from '../../src/store/ports.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { dropSchema, freshSchema, openPostgresFixture, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { s3RepositoryContract } from './s3-contract.js';
import { s3OutboxContract } from './s3-outbox-contract.js';

const owner = { account: '111111111111', region: 'eu-west-1' };
const content = { contentType: undefined, contentEncoding: undefined, contentDisposition: undefined, contentLanguage: undefined, cacheControl: undefined, expires: undefined };

function object(key: string, fileId: string): ObjectRecord {
  return { bucket: 'shared', key, size: 1, etag: fileId, lastModified: 1, content, userMetadata: {}, checksum: undefined, segments: [{ fileId, size: 1 }] };
}

function event(key: string): ObjectEventInput {
  return {
    ...owner, bucket: 'shared', key, eventName: 'ObjectCreated:Put', eventTime: 1, size: 1, eTag: undefined, versionId: undefined,
    sourceIp: '127.0.0.1', principalId: 'AKID', requestId: 'REQ', traceHeader: undefined,
  };
}

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL S3 repository contract', { skip }, () => undefined);
} else {
  s3RepositoryContract('postgres', openPostgresFixture);
  s3OutboxContract('postgres', openPostgresFixture);

  describe('S3 repository on PostgreSQL: two nodes', () => {
    const schema = freshSchema();
    let nodes: Store[];
    before(async () => {
      const first = await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 });
      nodes = [first, await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 })];
      await first.objects.createBucket({ ...owner, name: 'shared', createdAt: 1 });
    });
    after(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await dropSchema(schema);
    });

    const drain = async (node: Store): Promise<number[]> => {
      const events = await node.objects.outbox.peek(1000);
      await node.objects.outbox.ack(events.map((e) => e.seq));
      return events.map((e) => e.seq);
    };

    test('If-None-Match: * lets exactly one of many concurrent creators write the key, with one event', async () => {
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        (nodes[i % 2] as Store).objects.putObject(object('once', `f${i}`), event('once'), { absent: true })));
      const winners = outcomes.flatMap((o, i) => (o.ok ? [`f${i}`] : []));
      assert.equal(winners.length, 1);
      assert.equal((await nodes[1]?.objects.getObject('shared', 'once'))?.etag, winners[0]);
      assert.equal((await drain(nodes[0] as Store)).length, 1);
    });

    test('If-Match lets exactly one of many concurrent writers replace the version they all read', async () => {
      const read = (await nodes[0]?.objects.getObject('shared', 'once'))?.etag as string;
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        (nodes[i % 2] as Store).objects.putObject(object('once', `g${i}`), event('once'), { etag: read })));
      assert.equal(outcomes.filter((o) => o.ok).length, 1);
      assert.equal((await drain(nodes[1] as Store)).length, 1);
    });

    test('concurrent puts of one key each replace a different version: every version is replaced exactly once', async () => {
      await nodes[0]?.objects.putObject(object('busy', 'h0'), event('busy'));
      const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) =>
        (nodes[i % 2] as Store).objects.putObject(object('busy', `h${i + 1}`), event('busy'))));
      const replaced = outcomes.map((o) => (o.ok ? o.replaced?.etag : 'failed'));
      const last = (await nodes[0]?.objects.getObject('shared', 'busy'))?.etag;
      assert.deepEqual([...replaced, last].sort(), Array.from({ length: 17 }, (_, i) => `h${i}`).sort());
      assert.equal((await drain(nodes[0] as Store)).length, 17);
    });

    test('two nodes draining the outbox at once never get the same event, and together get them all', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `e${i}`);
      for (const key of keys) await nodes[0]?.objects.putObject(object(key, key), event(key));
      const seen: number[][] = [[], []];
      await Promise.all(nodes.map(async (node, n) => {
        for (;;) {
          const batch = await node.objects.outbox.peek(3);
          if (batch.length === 0) return;
          (seen[n] as number[]).push(...batch.map((e) => e.seq));
          await node.objects.outbox.ack(batch.map((e) => e.seq));
        }
      }));
      const all = [...(seen[0] as number[]), ...(seen[1] as number[])];
      assert.equal(new Set(all).size, all.length, 'no event went to both nodes');
      assert.equal(all.length, 40);
      assert.deepEqual(await nodes[1]?.objects.outbox.peek(10), []);
    });

    test('an event peeked but not acknowledged is not handed to another node while its lease runs', async () => {
      await nodes[0]?.objects.putObject(object('leased', 'l1'), event('leased'));
      assert.equal((await nodes[0]?.objects.outbox.peek(10))?.length, 1);
      assert.deepEqual(await nodes[1]?.objects.outbox.peek(10), []);
    });

    test('external S3 triggers: put replaces, list orders by source then bucket bytewise, delete reports', async () => {
      const triggers = (nodes[0] as Store).externalS3Triggers;
      const notifications = [{ id: 'n', functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:f', events: ['s3:ObjectCreated:*'], filterRules: [] }];
      const at = (source: string, bucket: string, lastModified = 1) => ({ ...owner, source, bucket, notifications, lastModified });
      for (const [source, bucket] of [['minio', 'b'], ['minio', 'B'], ['archive', 'z'], ['minio', '\u00e9']] as const) await triggers.put(at(source, bucket));
      await triggers.put(at('minio', 'b', 7));
      assert.deepEqual(await nodes[1]?.externalS3Triggers.get('minio', 'b'), at('minio', 'b', 7));
      assert.deepEqual((await triggers.list(undefined)).map((t) => `${t.source}/${t.bucket}`), ['archive/z', 'minio/B', 'minio/b', 'minio/\u00e9']);
      assert.deepEqual((await triggers.list('archive')).map((t) => t.bucket), ['z']);
      assert.equal(await triggers.delete('minio', 'b'), true);
      assert.equal(await triggers.delete('minio', 'b'), false);
      assert.equal(await triggers.get('minio', 'b'), undefined);
    });
  });
}
