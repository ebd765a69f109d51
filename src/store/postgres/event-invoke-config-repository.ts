// EventInvokeConfigRepository on PostgreSQL: one row per function and qualifier, put as
// one upsert.
import type { EventInvokeConfigRepository } from '../ports.js';
import { toConfig, type ConfigRow } from '../sqlite/event-invoke-config-repository.js';
import type { Pg } from './database.js';

const FUNCTION = 'account = $1 AND region = $2 AND name = $3';

export function createPostgresEventInvokeConfigRepository(db: Pg): EventInvokeConfigRepository {
  return {
    async put(c) {
      await db.run(
        `INSERT INTO event_invoke_configs (account, region, name, qualifier, maximum_retry_attempts, maximum_event_age, on_success, on_failure, last_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (account, region, name, qualifier) DO UPDATE SET maximum_retry_attempts = excluded.maximum_retry_attempts,
         maximum_event_age = excluded.maximum_event_age, on_success = excluded.on_success, on_failure = excluded.on_failure,
         last_modified = excluded.last_modified`,
        [c.account, c.region, c.name, c.qualifier, c.maximumRetryAttempts ?? null, c.maximumEventAgeInSeconds ?? null,
          c.destinations.onSuccess ?? null, c.destinations.onFailure ?? null, c.lastModified],
      );
    },
    async get(key, qualifier) {
      const row = await db.row<ConfigRow>(`SELECT * FROM event_invoke_configs WHERE ${FUNCTION} AND qualifier = $4`, [key.account, key.region, key.name, qualifier]);
      return row ? toConfig(row) : undefined;
    },
    async list(key) {
      const rows = await db.rows<ConfigRow>(`SELECT * FROM event_invoke_configs WHERE ${FUNCTION} ORDER BY qualifier`, [key.account, key.region, key.name]);
      return rows.map(toConfig);
    },
    async delete(key, qualifier) {
      return (await db.run(`DELETE FROM event_invoke_configs WHERE ${FUNCTION} AND qualifier = $4`, [key.account, key.region, key.name, qualifier])) === 1;
    },
  };
}
