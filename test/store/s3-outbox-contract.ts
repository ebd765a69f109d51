// The notification plumbing, for every Store implementation: every committed object
// change writes one event record to the store's outbox, with the facts of the HTTP request
// that made it (access key, source address, request id, X-Amzn-Trace-Id), and wakes the
// notifier. The S3 front end and services are built over the store as main.ts builds
// them, so the outbox can be read before any notifier drains it; the client is the real
// SDK over real HTTP. Called from test/integration/s3-outbox.test.ts (SQLite) and
// test/store/postgres-s3-store.test.ts (PostgreSQL).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand,
  PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createApiServer } from '../../src/api/http/server.js';
import { PresignedUrlVerifier } from '../../src/api/s3/presigned.js';
import { S3Handler } from '../../src/api/s3/s3-handler.js';
import { BucketService } from '../../src/objects/bucket-service.js';
import { MultipartService } from '../../src/objects/multipart-service.js';
import type { ObjectEventRecord } from '../../src/objects/object-events.js';
import { ObjectService } from '../../src/objects/object-service.js';
import { createObjectDataStore } from '../../src/store/blob/object-data-store.js';
import type { Store } from '../../src/store/ports.js';
import type { StoreFixture } from './store-contract.js';

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=a87bd80c:1';
const ACCOUNT = '123456789012';
const Bucket = 'outboxed';

export function s3OutboxContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`S3 outbox contract: ${implementation}`, () => {
    let dir: string;
    let fixture: StoreFixture;
    let store: Store;
    let server: Server;
    let s3: S3Client;
    let wakes = 0;
    const requestIds: string[] = [];

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-outbox-'));
      fixture = await open();
      store = fixture.store;
      const deps = { repo: store.objects, data: await createObjectDataStore(path.join(dir, 'objects')), clock: Date.now, onObjectEvents: () => void wakes++ };
      const handler = new S3Handler({
        buckets: new BucketService({ ...deps, functionExists: () => Promise.resolve(false) }), objects: new ObjectService(deps), multipart: new MultipartService(deps),
        presigned: new PresignedUrlVerifier(new Map(), Date.now), defaultScope: { account: '000000000000', region: 'us-east-1' },
        onInternalError: (err) => {
          throw err;
        },
      });
      server = createApiServer({ surfaces: [], defaultScope: { account: '000000000000', region: 'us-east-1' }, onInternalError: () => undefined, rawHandlers: [handler] });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      s3 = new S3Client({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forcePathStyle: true, region: 'eu-central-1', maxAttempts: 1,
        credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' },
      });
      // Every request carries a trace header, as a function's SDK calls do under X-Ray.
      s3.middlewareStack.add((next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amzn-trace-id'] = TRACE;
        return next(args);
      }, { step: 'build', name: 'traceHeader' });
      s3.middlewareStack.add((next) => async (args) => {
        const out = await next(args);
        const id = (out.response as { headers?: Record<string, string> }).headers?.['x-amz-request-id'];
        if (id !== undefined) requestIds.push(id);
        return out;
      }, { step: 'deserialize', name: 'requestIds' });
      await s3.send(new CreateBucketCommand({ Bucket }));
    });

    after(async () => {
      s3.destroy();
      await new Promise((resolve) => server.close(resolve));
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test('each change writes one record with the request\'s facts; refused changes write none', async () => {
      const start = requestIds.length;
      await s3.send(new PutObjectCommand({ Bucket, Key: 'in/a b+c.jpg', Body: 'hello' }));
      await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy.jpg', CopySource: `${Bucket}/in/a%20b%2Bc.jpg` }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'multi' }));
      const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'multi', UploadId, PartNumber: 1, Body: 'part' }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'multi', UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }));
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'copy.jpg' }));
      await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'multi' }, { Key: 'never-there' }, { Key: 'in/a b+c.jpg' }] } }));
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket, Key: 'refused', Body: 'x', ContentMD5: 'AAAAAAAAAAAAAAAAAAAAAA==' })));
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'never-there' }));

      const records: ObjectEventRecord[] = [...(await store.objects.outbox.peek(100))];
      assert.deepEqual(records.map((r) => [r.eventName, r.key, r.size, r.eTag]), [
        ['ObjectCreated:Put', 'in/a b+c.jpg', 5, '5d41402abc4b2a76b9719d911017c592'],
        ['ObjectCreated:Copy', 'copy.jpg', 5, '5d41402abc4b2a76b9719d911017c592'],
        // md5(md5('part')) computed with coreutils: printf f4c9…de | xxd -r -p | md5sum
        ['ObjectCreated:CompleteMultipartUpload', 'multi', 4, '1819d1a8700e59901a48215b8577ac07-1'],
        ['ObjectRemoved:Delete', 'copy.jpg', undefined, undefined],
        ['ObjectRemoved:Delete', 'multi', undefined, undefined],
        ['ObjectRemoved:Delete', 'in/a b+c.jpg', undefined, undefined],
      ]);
      for (const r of records) {
        assert.deepEqual([r.account, r.region, r.bucket, r.principalId, r.sourceIp, r.traceHeader, r.versionId], [ACCOUNT, 'eu-central-1', Bucket, ACCOUNT, '127.0.0.1', TRACE, undefined]);
        assert.match(r.sequencer, /^[0-9A-F]{16}$/);
      }
      for (let i = 1; i < records.length; i++) assert.ok((records[i] as ObjectEventRecord).sequencer > (records[i - 1] as ObjectEventRecord).sequencer);
      // Request ids: put, copy, (create, part,) complete, delete, batch delete.
      const ids = requestIds.slice(start);
      assert.deepEqual(records.map((r) => r.requestId), [ids[0], ids[1], ids[4], ids[5], ids[6], ids[6]]);
      assert.ok(wakes >= 5, `the notifier was woken after each committing change (${wakes})`);
      await store.objects.outbox.ack(records.map((r) => r.seq));
      assert.deepEqual(await store.objects.outbox.peek(100), []);
    });
  });
}
