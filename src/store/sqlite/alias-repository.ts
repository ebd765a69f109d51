// AliasRepository on SQLite. The routing weights are one JSON column (a map of at most
// one entry, read whole). Every write checks, in its transaction, that the versions the
// alias names exist, so an alias can never point at a version being deleted.
import type { FunctionKey } from '../records.js';
import type { AliasRecord, AliasRepository, AliasWriteOutcome } from '../version-ports.js';
import type { Db } from './database.js';

export interface AliasRow {
  account: string; region: string; name: string; alias: string; function_version: string;
  description: string; weights: string; revision_id: string;
}

export function toAlias(r: AliasRow): AliasRecord {
  return {
    account: r.account, region: r.region, name: r.name, alias: r.alias, functionVersion: r.function_version,
    description: r.description, additionalVersionWeights: JSON.parse(r.weights) as Record<string, number>, revisionId: r.revision_id,
  };
}

export function toParams(a: AliasRecord): Record<string, string> {
  return {
    account: a.account, region: a.region, name: a.name, alias: a.alias, function_version: a.functionVersion,
    description: a.description, weights: JSON.stringify(a.additionalVersionWeights), revision_id: a.revisionId,
  };
}

const FUNCTION = 'account = ? AND region = ? AND name = ?';

/** Aliases that route calls to `version`, as primary or additional version (in the caller's transaction). */
export function referencingAliases(db: Db, key: FunctionKey, version: string): string[] {
  const rows = db.prepare(`SELECT * FROM function_aliases WHERE ${FUNCTION} ORDER BY alias`).all(key.account, key.region, key.name) as AliasRow[];
  return rows.map(toAlias).filter((a) => a.functionVersion === version || version in a.additionalVersionWeights).map((a) => a.alias);
}

export function createSqliteAliasRepository(db: Db): AliasRepository {
  const versionExists = db.prepare(`SELECT 1 FROM function_versions WHERE ${FUNCTION} AND version = ?`).pluck();
  const insert = db.prepare(`INSERT OR IGNORE INTO function_aliases (account, region, name, alias, function_version, description, weights, revision_id)
    VALUES (@account, @region, @name, @alias, @function_version, @description, @weights, @revision_id)`);
  const update = db.prepare(`UPDATE function_aliases SET function_version = @function_version, description = @description,
    weights = @weights, revision_id = @revision_id
    WHERE account = @account AND region = @region AND name = @name AND alias = @alias AND revision_id = @expected`);
  const selectOne = db.prepare(`SELECT * FROM function_aliases WHERE ${FUNCTION} AND alias = ?`);
  const selectAll = db.prepare(`SELECT * FROM function_aliases WHERE ${FUNCTION} ORDER BY alias`);
  const deleteAlias = db.prepare(`DELETE FROM function_aliases WHERE ${FUNCTION} AND alias = ?`);
  // What hangs off an alias goes with it (AWS deletes them too).
  const deleteAttached = ['provisioned_concurrency_configs', 'event_invoke_configs', 'function_urls']
    .map((table) => db.prepare(`DELETE FROM ${table} WHERE ${FUNCTION} AND qualifier = ?`));

  const missingVersion = (a: AliasRecord): string | undefined =>
    [a.functionVersion, ...Object.keys(a.additionalVersionWeights)].find((v) => versionExists.get(a.account, a.region, a.name, v) === undefined);

  const create = db.transaction((a: AliasRecord): AliasWriteOutcome => {
    const missing = missingVersion(a);
    if (missing !== undefined) return { missingVersion: missing };
    return insert.run(toParams(a)).changes === 1 ? 'written' : 'exists';
  });
  const replace = db.transaction((a: AliasRecord, expected: string): AliasWriteOutcome => {
    const missing = missingVersion(a);
    if (missing !== undefined) return { missingVersion: missing };
    return update.run({ ...toParams(a), expected }).changes === 1 ? 'written' : 'changed';
  });
  const remove = db.transaction((key: FunctionKey, alias: string): boolean => {
    if (deleteAlias.run(key.account, key.region, key.name, alias).changes === 0) return false;
    for (const statement of deleteAttached) statement.run(key.account, key.region, key.name, alias);
    return true;
  });

  return {
    create: (alias) => Promise.resolve(create(alias)),
    get(key, alias) {
      const row = selectOne.get(key.account, key.region, key.name, alias) as AliasRow | undefined;
      return Promise.resolve(row === undefined ? undefined : toAlias(row));
    },
    list: (key) => Promise.resolve((selectAll.all(key.account, key.region, key.name) as AliasRow[]).map(toAlias)),
    update: (next, expected) => Promise.resolve(replace(next, expected)),
    delete: (key, alias) => Promise.resolve(remove(key, alias)),
  };
}
