// EventInvokeConfigRepository on SQLite.
import type { EventInvokeConfigRepository } from '../ports.js';
import type { EventInvokeConfig } from '../records.js';
import type { Db } from './database.js';

export interface ConfigRow {
  account: string; region: string; name: string; qualifier: string; maximum_retry_attempts: number | null;
  maximum_event_age: number | null; on_success: string | null; on_failure: string | null; last_modified: number;
}

export function toConfig(r: ConfigRow): EventInvokeConfig {
  return {
    account: r.account, region: r.region, name: r.name, qualifier: r.qualifier,
    maximumRetryAttempts: r.maximum_retry_attempts ?? undefined, maximumEventAgeInSeconds: r.maximum_event_age ?? undefined,
    destinations: { onSuccess: r.on_success ?? undefined, onFailure: r.on_failure ?? undefined }, lastModified: r.last_modified,
  };
}

export function createSqliteEventInvokeConfigRepository(db: Db): EventInvokeConfigRepository {
  const upsert = db.prepare(`INSERT INTO event_invoke_configs VALUES (@account, @region, @name, @qualifier, @retry, @age, @onSuccess, @onFailure, @lastModified)
    ON CONFLICT (account, region, name, qualifier) DO UPDATE SET maximum_retry_attempts = excluded.maximum_retry_attempts,
    maximum_event_age = excluded.maximum_event_age, on_success = excluded.on_success, on_failure = excluded.on_failure,
    last_modified = excluded.last_modified`);
  const selectOne = db.prepare('SELECT * FROM event_invoke_configs WHERE account = ? AND region = ? AND name = ? AND qualifier = ?');
  const selectAll = db.prepare('SELECT * FROM event_invoke_configs WHERE account = ? AND region = ? AND name = ? ORDER BY qualifier');
  const remove = db.prepare('DELETE FROM event_invoke_configs WHERE account = ? AND region = ? AND name = ? AND qualifier = ?');
  return {
    put(c) {
      upsert.run({
        account: c.account, region: c.region, name: c.name, qualifier: c.qualifier, retry: c.maximumRetryAttempts ?? null,
        age: c.maximumEventAgeInSeconds ?? null, onSuccess: c.destinations.onSuccess ?? null, onFailure: c.destinations.onFailure ?? null,
        lastModified: c.lastModified,
      });
      return Promise.resolve();
    },
    get(key, qualifier) {
      const row = selectOne.get(key.account, key.region, key.name, qualifier) as ConfigRow | undefined;
      return Promise.resolve(row ? toConfig(row) : undefined);
    },
    list(key) {
      return Promise.resolve((selectAll.all(key.account, key.region, key.name) as ConfigRow[]).map(toConfig));
    },
    delete(key, qualifier) {
      return Promise.resolve(remove.run(key.account, key.region, key.name, qualifier).changes === 1);
    },
  };
}
