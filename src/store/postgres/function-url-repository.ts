// FunctionUrlRepository on PostgreSQL. Cors is stored as JSON (read whole); the rest are
// columns so a request finds its config by url id. A taken (function, qualifier) or url id
// and a missing function are refusals of the one INSERT, not exceptions.
import type { FunctionUrlRepository } from '../ports.js';
import { toParams, toRecord, type UrlRow } from '../sqlite/function-url-repository.js';
import type { FunctionUrlConfigRecord } from '../records.js';
import type { Pg } from './database.js';
import { isForeignKeyViolation } from './function-rows.js';

const ONE = 'account = $1 AND region = $2 AND name = $3 AND qualifier = $4';

/** The row in column order: url_id, account, region, name, qualifier, auth_type, cors, invoke_mode, created_at, last_modified. */
function rowValues(c: FunctionUrlConfigRecord): unknown[] {
  const p = toParams(c);
  return [p.urlId, p.account, p.region, p.name, p.qualifier, p.authType, p.cors, p.invokeMode, p.createdAt, p.lastModified];
}

export function createPostgresFunctionUrlRepository(db: Pg): FunctionUrlRepository {
  return {
    async create(config) {
      try {
        const inserted = await db.run(
          `INSERT INTO function_urls (url_id, account, region, name, qualifier, auth_type, cors, invoke_mode, created_at, last_modified)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
          rowValues(config),
        );
        return inserted === 1;
      } catch (err) {
        // The function does not exist (or was deleted meanwhile).
        if (isForeignKeyViolation(err)) return false;
        throw err;
      }
    },
    async get(key, qualifier) {
      const row = await db.row<UrlRow>(`SELECT * FROM function_urls WHERE ${ONE}`, [key.account, key.region, key.name, qualifier]);
      return row ? toRecord(row) : undefined;
    },
    async getByUrlId(urlId) {
      const row = await db.row<UrlRow>('SELECT * FROM function_urls WHERE url_id = $1', [urlId]);
      return row ? toRecord(row) : undefined;
    },
    async list(key) {
      const rows = await db.rows<UrlRow>('SELECT * FROM function_urls WHERE account = $1 AND region = $2 AND name = $3 ORDER BY qualifier', [key.account, key.region, key.name]);
      return rows.map(toRecord);
    },
    async update(config) {
      const [, account, region, name, qualifier, authType, cors, invokeMode, , lastModified] = rowValues(config);
      const changed = await db.run(
        `UPDATE function_urls SET auth_type = $5, cors = $6, invoke_mode = $7, last_modified = $8 WHERE ${ONE}`,
        [account, region, name, qualifier, authType, cors, invokeMode, lastModified],
      );
      return changed === 1;
    },
    async delete(key, qualifier) {
      return (await db.run(`DELETE FROM function_urls WHERE ${ONE}`, [key.account, key.region, key.name, qualifier])) === 1;
    },
  };
}
