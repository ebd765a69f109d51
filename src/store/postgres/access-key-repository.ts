// AccessKeyRepository on PostgreSQL. Creating a key is INSERT … ON CONFLICT DO NOTHING
// (an id taken by another node loses cleanly); the platform secret is get-or-create the
// same way, so every node racing on first start reads the one value that won.
import type { AccessKeyRepository } from '../access-key-ports.js';
import { newPlatformSecret, PLATFORM_SECRET, toAccessKey, type AccessKeyRow } from '../sqlite/access-key-repository.js';
import type { Pg } from './database.js';

export function createPostgresAccessKeyRepository(db: Pg): AccessKeyRepository {
  return {
    async create(key) {
      return (await db.run(`INSERT INTO access_keys (access_key_id, secret_access_key, account, description, status, created_at, last_used_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (access_key_id) DO NOTHING`,
      [key.accessKeyId, key.secretAccessKey, key.account, key.description, key.status, key.createdAt, key.lastUsedAt ?? null])) === 1;
    },
    async get(id) {
      const row = await db.row<AccessKeyRow>('SELECT * FROM access_keys WHERE access_key_id = $1', [id]);
      return row ? toAccessKey(row) : undefined;
    },
    async list(account) {
      const rows = account === undefined
        ? await db.rows<AccessKeyRow>('SELECT * FROM access_keys ORDER BY created_at, access_key_id')
        : await db.rows<AccessKeyRow>('SELECT * FROM access_keys WHERE account = $1 ORDER BY created_at, access_key_id', [account]);
      return rows.map(toAccessKey);
    },
    async setStatus(id, status) {
      return (await db.run('UPDATE access_keys SET status = $1 WHERE access_key_id = $2', [status, id])) === 1;
    },
    async delete(id) {
      return (await db.run('DELETE FROM access_keys WHERE access_key_id = $1', [id])) === 1;
    },
    async count() {
      return ((await db.row<{ n: number }>('SELECT COUNT(*)::int AS n FROM access_keys')) as { n: number }).n;
    },
    async touch(id, at) {
      await db.run('UPDATE access_keys SET last_used_at = GREATEST(COALESCE(last_used_at, 0), $1) WHERE access_key_id = $2', [at, id]);
    },
    async platformSecret() {
      await db.run('INSERT INTO platform_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [PLATFORM_SECRET, newPlatformSecret()]);
      return ((await db.row<{ value: string }>('SELECT value FROM platform_secrets WHERE name = $1', [PLATFORM_SECRET])) as { value: string }).value;
    },
  };
}
