// ProvisionedConcurrencyRepository on SQLite: one row per version or alias with a config.
// Only what was asked is stored; how many instances are ready is the runtime's to say.
import type { ProvisionedConcurrencyConfigRecord, ProvisionedConcurrencyRepository } from '../version-ports.js';
import type { Db } from './database.js';

export interface ConfigRow { account: string; region: string; name: string; qualifier: string; requested: number; last_modified: string }

export function toConfig(r: ConfigRow): ProvisionedConcurrencyConfigRecord {
  return { account: r.account, region: r.region, name: r.name, qualifier: r.qualifier, requested: r.requested, lastModified: r.last_modified };
}

const ONE = 'account = ? AND region = ? AND name = ? AND qualifier = ?';

export function createSqliteProvisionedConcurrencyRepository(db: Db): ProvisionedConcurrencyRepository {
  const functionExists = db.prepare('SELECT 1 FROM functions WHERE account = ? AND region = ? AND name = ?').pluck();
  const upsert = db.prepare(`INSERT INTO provisioned_concurrency_configs (account, region, name, qualifier, requested, last_modified)
    VALUES (@account, @region, @name, @qualifier, @requested, @lastModified)
    ON CONFLICT (account, region, name, qualifier) DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified`);
  const selectOne = db.prepare(`SELECT * FROM provisioned_concurrency_configs WHERE ${ONE}`);
  const selectFunction = db.prepare('SELECT * FROM provisioned_concurrency_configs WHERE account = ? AND region = ? AND name = ? ORDER BY qualifier');
  const selectAll = db.prepare('SELECT * FROM provisioned_concurrency_configs ORDER BY account, region, name, qualifier');
  const remove = db.prepare(`DELETE FROM provisioned_concurrency_configs WHERE ${ONE}`);

  const put = db.transaction((c: ProvisionedConcurrencyConfigRecord): boolean => {
    if (functionExists.get(c.account, c.region, c.name) === undefined) return false;
    upsert.run({ account: c.account, region: c.region, name: c.name, qualifier: c.qualifier, requested: c.requested, lastModified: c.lastModified });
    return true;
  });

  return {
    put: (config) => Promise.resolve(put(config)),
    get(key, qualifier) {
      const row = selectOne.get(key.account, key.region, key.name, qualifier) as ConfigRow | undefined;
      return Promise.resolve(row === undefined ? undefined : toConfig(row));
    },
    list: (key) => Promise.resolve((selectFunction.all(key.account, key.region, key.name) as ConfigRow[]).map(toConfig)),
    listAll: () => Promise.resolve((selectAll.all() as ConfigRow[]).map(toConfig)),
    delete: (key, qualifier) => Promise.resolve(remove.run(key.account, key.region, key.name, qualifier).changes === 1),
  };
}
