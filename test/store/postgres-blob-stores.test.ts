// The byte stores of cluster mode: BlobStore and ObjectDataStore in PostgreSQL, and the
// node-local cache in front of the shared BlobStore, each in a fresh schema.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createCachedBlobStore } from '../../src/store/blob/cached-blob-store.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import { createPgBlobStore } from '../../src/store/blob/pg-blob-store.js';
import { createPgObjectDataStore, type PgObjectDataOptions } from '../../src/store/blob/pg-object-data-store.js';
import { openPostgres, type Pg } from '../../src/store/postgres/database.js';
import { dropSchema, freshSchema, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { blobStoreContract } from './blob-store-contract.js';
import { objectDataContract } from './object-data-contract.js';

interface Database {
  readonly db: Pg;
  readonly cleanup: () => Promise<void>;
}

async function openDatabase(): Promise<Database> {
  const schema = freshSchema();
  const db = await openPostgres(TEST_POSTGRES_URL, { schema, maxConnections: 4 });
  return {
    db,
    cleanup: async () => {
      await db.close();
      await dropSchema(schema);
    },
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'nimbus-blob-cache-'));
}

const plain = { digests: [], maxBytes: 64 << 20, tooLarge: () => new Error('too large') } as const;

async function openObjectData(options: PgObjectDataOptions): Promise<Database & { readonly data: ReturnType<typeof createPgObjectDataStore> }> {
  const database = await openDatabase();
  return { ...database, data: createPgObjectDataStore(database.db, options) };
}

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL byte stores', { skip }, () => undefined);
} else {
  blobStoreContract('postgres', async () => {
    const { db, cleanup } = await openDatabase();
    return { blobs: createPgBlobStore(db), cleanup };
  });

  blobStoreContract('cached over postgres', async () => {
    const { db, cleanup } = await openDatabase();
    const dir = await tempDir();
    return {
      blobs: createCachedBlobStore(createPgBlobStore(db), dir),
      async cleanup() {
        await cleanup();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });

  // The contract wants a sweep that removes unreferenced files at once.
  objectDataContract('postgres', () => openObjectData({ sweepGraceMs: 0 }));

  describe('cached blob store over postgres', () => {
    let database: Database;
    let dir: string;
    before(async () => {
      database = await openDatabase();
      dir = await tempDir();
    });
    after(async () => {
      await database.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test('a blob fetched once is served from the cache after its shared row is gone', async () => {
      const bytes = randomBytes(100_000);
      const key = await createPgBlobStore(database.db).put(bytes); // written by another node
      const node = createCachedBlobStore(createPgBlobStore(database.db), path.join(dir, 'node-a'));
      assert.deepEqual(await node.get(key), bytes);
      await database.db.run('DELETE FROM code_blobs WHERE key = $1', [key]);
      assert.deepEqual(await node.get(key), bytes);
      const other = createCachedBlobStore(createPgBlobStore(database.db), path.join(dir, 'node-b'));
      assert.equal(await other.get(key), undefined);
    });

    test('a shared blob whose bytes do not match its key is refused and not cached', async () => {
      const bytes = Buffer.from('the real zip');
      const key = await createPgBlobStore(database.db).put(bytes);
      await database.db.run('UPDATE code_blobs SET bytes = $2 WHERE key = $1', [key, Buffer.from('tampered zip')]);
      const cacheDir = path.join(dir, 'node-c');
      const node = createCachedBlobStore(createPgBlobStore(database.db), cacheDir);
      await assert.rejects(node.get(key), (err: Error & { code?: string }) => err.code === 'StoreCorrupt' && err.message.includes(key));
      assert.equal(await createFsBlobStore(cacheDir).has(key), false);
      await database.db.run('UPDATE code_blobs SET bytes = $2 WHERE key = $1', [key, bytes]);
      assert.deepEqual(await node.get(key), bytes);
    });

    test('put writes through: another node fetches it; delete removes it everywhere', async () => {
      const a = createCachedBlobStore(createPgBlobStore(database.db), path.join(dir, 'node-d'));
      const b = createCachedBlobStore(createPgBlobStore(database.db), path.join(dir, 'node-e'));
      const key = await a.put(Buffer.from('shared code'));
      assert.equal(await createFsBlobStore(path.join(dir, 'node-d')).has(key), true);
      assert.deepEqual(await b.get(key), Buffer.from('shared code'));
      await a.delete(key);
      assert.equal(await a.get(key), undefined);
      assert.equal(await b.has(key), false);
    });
  });

  describe('postgres object data in a cluster', () => {
    test('a write is not readable, nor swept, until it completes', async () => {
      const { db, data, cleanup } = await openObjectData({ sweepGraceMs: 0 });
      const cautious = createPgObjectDataStore(db); // another node, with the default grace
      try {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const first = randomBytes((1 << 20) + 100);
        const second = randomBytes(500);
        async function* slow(): AsyncGenerator<Buffer> {
          yield first;
          await released;
          yield second;
        }
        const writing = data.write(Readable.from(slow(), { objectMode: false }), plain);
        let fileId: string | undefined;
        for (let i = 0; i < 100 && fileId === undefined; i++) {
          const row = await db.row<{ file_id: string; chunks: number }>('SELECT file_id, (SELECT count(*)::int FROM object_chunks c WHERE c.file_id = f.file_id) AS chunks FROM object_files f');
          if (row !== undefined && row.chunks > 0) fileId = row.file_id;
          else await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.ok(fileId, 'the first chunk is stored while the source waits');
        assert.equal(await data.read([{ fileId, size: first.length + second.length }], 0, 10), undefined);
        assert.equal(await cautious.sweep(new Set()), 0);
        release();
        const written = await writing;
        assert.equal(written.fileId, fileId);
        const all = Buffer.concat([first, second]);
        const stream = await data.read([{ fileId, size: all.length }], 0, all.length - 1);
        assert.ok(stream);
        const parts: Buffer[] = [];
        for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
        assert.equal(createHash('sha256').update(Buffer.concat(parts)).digest('hex'), createHash('sha256').update(all).digest('hex'));
      } finally {
        await cleanup();
      }
    });

    test('with the default grace, a fresh unreferenced file survives the sweep (its metadata may be committing on another node)', async () => {
      const { db, data, cleanup } = await openObjectData({});
      try {
        const written = await data.write(Readable.from([Buffer.from('just written')], { objectMode: false }), plain);
        assert.equal(await data.sweep(new Set()), 0);
        assert.ok(await data.read([{ fileId: written.fileId, size: written.size }], 0, 3));
        await db.run('UPDATE object_files SET written_at = written_at - $1', [2 * 60 * 60_000]);
        assert.equal(await data.sweep(new Set()), 1);
        assert.equal(await data.read([{ fileId: written.fileId, size: written.size }], 0, 3), undefined);
      } finally {
        await cleanup();
      }
    });

    test('a deleted file keeps its chunks for the reader grace, even through a sweep, then the next delete purges them', async () => {
      const { db, data, cleanup } = await openObjectData({ deletedGraceMs: 60_000 });
      try {
        const written = await data.write(Readable.from([randomBytes(3000)], { objectMode: false }), plain);
        await db.run('UPDATE object_files SET written_at = written_at - $1', [2 * 60 * 60_000]);
        await data.delete([written.fileId]);
        assert.equal(await data.sweep(new Set()), 0, 'a start-up sweep leaves a running reader its grace too');
        assert.equal((await db.row<{ n: number }>('SELECT count(*)::int AS n FROM object_chunks'))?.n, 1);
        await db.run('UPDATE object_files SET deleted_at = deleted_at - $1', [120_000]);
        await data.delete([]);
        assert.equal((await db.row<{ n: number }>('SELECT count(*)::int AS n FROM object_chunks'))?.n, 0);
        assert.equal((await db.row<{ n: number }>('SELECT count(*)::int AS n FROM object_files'))?.n, 0);
      } finally {
        await cleanup();
      }
    });
  });
}
