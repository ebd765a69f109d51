// AliasRepository on PostgreSQL. The routing weights are one JSON column (read whole).
// Every write checks, in its transaction, that the versions the alias names exist and
// holds them FOR SHARE until commit, so a concurrent version delete (FOR UPDATE) either
// waits and then sees the alias, or wins and the alias write sees the version gone.
// Updates are one conditional UPDATE on the RevisionId (compare-and-swap).
import type { FunctionKey } from '../records.js';
import { toAlias, toParams, type AliasRow } from '../sqlite/alias-repository.js';
import type { AliasRecord, AliasRepository, AliasWriteOutcome } from '../version-ports.js';
import type { Pg, Sql } from './database.js';
import { lockFunction } from './function-rows.js';

const FUNCTION = 'account = $1 AND region = $2 AND name = $3';
const keyParams = (key: FunctionKey): unknown[] => [key.account, key.region, key.name];

/** The row in column order: account, region, name, alias, function_version, description, weights, revision_id. */
function rowValues(a: AliasRecord): unknown[] {
  const p = toParams(a);
  return [p.account, p.region, p.name, p.alias, p.function_version, p.description, p.weights, p.revision_id];
}

/** Aliases that route calls to `version`, as primary or additional version (in the caller's transaction). */
export async function referencingAliases(tx: Sql, key: FunctionKey, version: string): Promise<string[]> {
  const rows = await tx.rows<AliasRow>(`SELECT * FROM function_aliases WHERE ${FUNCTION} ORDER BY alias`, keyParams(key));
  return rows.map(toAlias).filter((a) => a.functionVersion === version || version in a.additionalVersionWeights).map((a) => a.alias);
}

/** The first version the alias names that does not exist; the others stay locked FOR SHARE. */
async function missingVersion(tx: Sql, a: AliasRecord): Promise<string | undefined> {
  if (!(await lockFunction(tx, a, 'key share'))) return a.functionVersion;
  for (const version of [a.functionVersion, ...Object.keys(a.additionalVersionWeights)]) {
    const found = await tx.row(`SELECT 1 FROM function_versions WHERE ${FUNCTION} AND version = $4 FOR SHARE`, [...keyParams(a), version]);
    if (found === undefined) return version;
  }
  return undefined;
}

export function createPostgresAliasRepository(db: Pg): AliasRepository {
  return {
    create(alias) {
      return db.transaction(async (tx): Promise<AliasWriteOutcome> => {
        const missing = await missingVersion(tx, alias);
        if (missing !== undefined) return { missingVersion: missing };
        const inserted = await tx.run(
          `INSERT INTO function_aliases (account, region, name, alias, function_version, description, weights, revision_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          rowValues(alias),
        );
        return inserted === 1 ? 'written' : 'exists';
      });
    },
    async get(key, alias) {
      const row = await db.row<AliasRow>(`SELECT * FROM function_aliases WHERE ${FUNCTION} AND alias = $4`, [...keyParams(key), alias]);
      return row === undefined ? undefined : toAlias(row);
    },
    async list(key) {
      return (await db.rows<AliasRow>(`SELECT * FROM function_aliases WHERE ${FUNCTION} ORDER BY alias`, keyParams(key))).map(toAlias);
    },
    update(next, expectedRevisionId) {
      return db.transaction(async (tx): Promise<AliasWriteOutcome> => {
        const missing = await missingVersion(tx, next);
        if (missing !== undefined) return { missingVersion: missing };
        const changed = await tx.run(
          `UPDATE function_aliases SET function_version = $5, description = $6, weights = $7, revision_id = $8
           WHERE ${FUNCTION} AND alias = $4 AND revision_id = $9`,
          [...rowValues(next), expectedRevisionId],
        );
        return changed === 1 ? 'written' : 'changed';
      });
    },
    delete(key, alias) {
      return db.transaction(async (tx) => {
        if (!(await lockFunction(tx, key, 'key share'))) return false;
        if ((await tx.run(`DELETE FROM function_aliases WHERE ${FUNCTION} AND alias = $4`, [...keyParams(key), alias])) === 0) return false;
        // What hangs off an alias goes with it (AWS deletes them too).
        for (const table of ['provisioned_concurrency_configs', 'event_invoke_configs', 'function_urls']) {
          await tx.run(`DELETE FROM ${table} WHERE ${FUNCTION} AND qualifier = $4`, [...keyParams(key), alias]);
        }
        return true;
      });
    },
  };
}
