// ProvisionedConcurrencyRepository on PostgreSQL: one row per version or alias with a
// config, put as one upsert; a missing function is the foreign key's refusal. Only what
// was asked is stored; how many instances are ready is the runtime's to say.
import { toConfig, type ConfigRow } from '../sqlite/provisioned-concurrency-repository.js';
import type { ProvisionedConcurrencyRepository } from '../version-ports.js';
import type { Pg } from './database.js';
import { isForeignKeyViolation } from './function-rows.js';

const FUNCTION = 'account = $1 AND region = $2 AND name = $3';

export function createPostgresProvisionedConcurrencyRepository(db: Pg): ProvisionedConcurrencyRepository {
  return {
    async put(c) {
      try {
        await db.run(
          `INSERT INTO provisioned_concurrency_configs (account, region, name, qualifier, requested, last_modified)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (account, region, name, qualifier) DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified`,
          [c.account, c.region, c.name, c.qualifier, c.requested, c.lastModified],
        );
        return true;
      } catch (err) {
        if (isForeignKeyViolation(err)) return false;
        throw err;
      }
    },
    async get(key, qualifier) {
      const row = await db.row<ConfigRow>(`SELECT * FROM provisioned_concurrency_configs WHERE ${FUNCTION} AND qualifier = $4`, [key.account, key.region, key.name, qualifier]);
      return row === undefined ? undefined : toConfig(row);
    },
    async list(key) {
      const rows = await db.rows<ConfigRow>(`SELECT * FROM provisioned_concurrency_configs WHERE ${FUNCTION} ORDER BY qualifier`, [key.account, key.region, key.name]);
      return rows.map(toConfig);
    },
    async listAll() {
      const rows = await db.rows<ConfigRow>('SELECT * FROM provisioned_concurrency_configs ORDER BY account COLLATE "C", region COLLATE "C", name, qualifier');
      return rows.map(toConfig);
    },
    async delete(key, qualifier) {
      return (await db.run(`DELETE FROM provisioned_concurrency_configs WHERE ${FUNCTION} AND qualifier = $4`, [key.account, key.region, key.name, qualifier])) === 1;
    },
  };
}
