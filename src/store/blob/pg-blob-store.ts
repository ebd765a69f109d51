// The content-addressed BlobStore (function code zips) in PostgreSQL, shared by every
// node of a cluster. A put is one INSERT … ON CONFLICT DO NOTHING: the key is the
// SHA-256 of the bytes, so two nodes storing the same zip store it once, and a blob is
// either whole or absent. Nodes read it through cached-blob-store.ts.
import { createHash } from 'node:crypto';
import type { Pg } from '../postgres/database.js';
import type { BlobStore } from '../ports.js';

const KEY = /^[0-9a-f]{64}$/;

function checked(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
  return key;
}

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export function createPgBlobStore(db: Pg): BlobStore {
  return {
    async put(bytes) {
      const key = createHash('sha256').update(bytes).digest('hex');
      await db.run(`INSERT INTO code_blobs (key, bytes, created_at) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT (key) DO NOTHING`, [key, bytes]);
      return key;
    },
    async get(key) {
      const row = await db.row<{ bytes: Buffer }>('SELECT bytes FROM code_blobs WHERE key = $1', [checked(key)]);
      return row?.bytes;
    },
    async has(key) {
      return (await db.row('SELECT 1 FROM code_blobs WHERE key = $1', [checked(key)])) !== undefined;
    },
    async delete(key) {
      await db.run('DELETE FROM code_blobs WHERE key = $1', [checked(key)]);
    },
    async keys() {
      return (await db.rows<{ key: string }>('SELECT key FROM code_blobs ORDER BY key')).map((r) => r.key);
    },
  };
}
