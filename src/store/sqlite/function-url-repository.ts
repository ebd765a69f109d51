// FunctionUrlRepository on SQLite. Cors is stored as JSON (a small, optional document
// always read whole); the rest are columns so a request finds its config by url id.
import type { FunctionUrlRepository } from '../ports.js';
import type { FunctionUrlAuthType, FunctionUrlConfigRecord, FunctionUrlCors, FunctionUrlInvokeMode } from '../records.js';
import type { Db } from './database.js';

export interface UrlRow {
  url_id: string; account: string; region: string; name: string; qualifier: string; auth_type: string;
  cors: string | null; invoke_mode: string; created_at: number; last_modified: number;
}

export function toRecord(r: UrlRow): FunctionUrlConfigRecord {
  return {
    account: r.account, region: r.region, name: r.name, qualifier: r.qualifier, urlId: r.url_id,
    authType: r.auth_type as FunctionUrlAuthType, cors: r.cors === null ? undefined : (JSON.parse(r.cors) as FunctionUrlCors),
    invokeMode: r.invoke_mode as FunctionUrlInvokeMode, createdAt: r.created_at, lastModified: r.last_modified,
  };
}

export function toParams(c: FunctionUrlConfigRecord): Record<string, string | number | null> {
  return {
    urlId: c.urlId, account: c.account, region: c.region, name: c.name, qualifier: c.qualifier, authType: c.authType,
    cors: c.cors === undefined ? null : JSON.stringify(c.cors), invokeMode: c.invokeMode, createdAt: c.createdAt, lastModified: c.lastModified,
  };
}

export function createSqliteFunctionUrlRepository(db: Db): FunctionUrlRepository {
  // OR IGNORE: a taken (function, qualifier) or url id is a refusal, not an exception.
  const insert = db.prepare(`INSERT OR IGNORE INTO function_urls (url_id, account, region, name, qualifier, auth_type, cors, invoke_mode, created_at, last_modified)
    VALUES (@urlId, @account, @region, @name, @qualifier, @authType, @cors, @invokeMode, @createdAt, @lastModified)`);
  const selectOne = db.prepare('SELECT * FROM function_urls WHERE account = ? AND region = ? AND name = ? AND qualifier = ?');
  const selectById = db.prepare('SELECT * FROM function_urls WHERE url_id = ?');
  const selectAll = db.prepare('SELECT * FROM function_urls WHERE account = ? AND region = ? AND name = ? ORDER BY qualifier');
  const change = db.prepare(`UPDATE function_urls SET auth_type = @authType, cors = @cors, invoke_mode = @invokeMode, last_modified = @lastModified
    WHERE account = @account AND region = @region AND name = @name AND qualifier = @qualifier`);
  const remove = db.prepare('DELETE FROM function_urls WHERE account = ? AND region = ? AND name = ? AND qualifier = ?');
  return {
    create(config) {
      // A function deleted meanwhile fails the foreign key: that is a refusal too.
      try {
        return Promise.resolve(insert.run(toParams(config)).changes === 1);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return Promise.resolve(false);
        throw err;
      }
    },
    get(key, qualifier) {
      const row = selectOne.get(key.account, key.region, key.name, qualifier) as UrlRow | undefined;
      return Promise.resolve(row ? toRecord(row) : undefined);
    },
    getByUrlId(urlId) {
      const row = selectById.get(urlId) as UrlRow | undefined;
      return Promise.resolve(row ? toRecord(row) : undefined);
    },
    list(key) {
      return Promise.resolve((selectAll.all(key.account, key.region, key.name) as UrlRow[]).map(toRecord));
    },
    update(config) {
      return Promise.resolve(change.run(toParams(config)).changes === 1);
    },
    delete(key, qualifier) {
      return Promise.resolve(remove.run(key.account, key.region, key.name, qualifier).changes === 1);
    },
  };
}
