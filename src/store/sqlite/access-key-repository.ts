// AccessKeyRepository on SQLite. The platform secret is made with INSERT OR IGNORE and
// read back, so concurrent first calls agree on one value.
import { randomBytes } from 'node:crypto';
import type { AccessKeyRecord, AccessKeyRepository, AccessKeyStatus } from '../access-key-ports.js';
import type { Db } from './database.js';

export interface AccessKeyRow {
  access_key_id: string; secret_access_key: string; account: string; description: string; status: AccessKeyStatus;
  created_at: number; last_used_at: number | null;
}

export function toAccessKey(r: AccessKeyRow): AccessKeyRecord {
  return {
    accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key, account: r.account, description: r.description,
    status: r.status, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? undefined,
  };
}

/** The name of the platform secret's row, and a fresh value for it (32 random bytes, hex). */
export const PLATFORM_SECRET = 'platform';
export const newPlatformSecret = (): string => randomBytes(32).toString('hex');

export function createSqliteAccessKeyRepository(db: Db): AccessKeyRepository {
  const insert = db.prepare(`INSERT OR IGNORE INTO access_keys (access_key_id, secret_access_key, account, description, status, created_at, last_used_at)
    VALUES (@accessKeyId, @secretAccessKey, @account, @description, @status, @createdAt, @lastUsedAt)`);
  const select = db.prepare('SELECT * FROM access_keys WHERE access_key_id = ?');
  const listAll = db.prepare('SELECT * FROM access_keys ORDER BY created_at, access_key_id');
  const listAccount = db.prepare('SELECT * FROM access_keys WHERE account = ? ORDER BY created_at, access_key_id');
  const setStatus = db.prepare('UPDATE access_keys SET status = ? WHERE access_key_id = ?');
  const remove = db.prepare('DELETE FROM access_keys WHERE access_key_id = ?');
  const count = db.prepare('SELECT COUNT(*) AS n FROM access_keys');
  const touch = db.prepare('UPDATE access_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE access_key_id = ?');
  const makeSecret = db.prepare('INSERT OR IGNORE INTO platform_secrets (name, value) VALUES (?, ?)');
  const readSecret = db.prepare('SELECT value FROM platform_secrets WHERE name = ?');
  return {
    create: (key) => Promise.resolve(insert.run({ ...key, lastUsedAt: key.lastUsedAt ?? null }).changes === 1),
    get: (id) => {
      const row = select.get(id) as AccessKeyRow | undefined;
      return Promise.resolve(row ? toAccessKey(row) : undefined);
    },
    list: (account) => Promise.resolve(((account === undefined ? listAll.all() : listAccount.all(account)) as AccessKeyRow[]).map(toAccessKey)),
    setStatus: (id, status) => Promise.resolve(setStatus.run(status, id).changes === 1),
    delete: (id) => Promise.resolve(remove.run(id).changes === 1),
    count: () => Promise.resolve((count.get() as { n: number }).n),
    touch: (id, at) => {
      touch.run(at, id);
      return Promise.resolve();
    },
    platformSecret: () => {
      makeSecret.run(PLATFORM_SECRET, newPlatformSecret());
      return Promise.resolve((readSecret.get(PLATFORM_SECRET) as { value: string }).value);
    },
  };
}
