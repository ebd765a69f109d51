// FunctionVersionRepository on PostgreSQL: published versions are function_versions rows
// beside $LATEST. Publishing locks the function's row (FOR UPDATE) and numbers the version
// from functions.last_version in the same transaction, so two nodes publishing at once
// get distinct numbers, and a deleted number never returns. version_number is the number
// as an integer (NULL for $LATEST), for ordering and paging.
import type { FunctionKey, FunctionVersionRecord } from '../records.js';
import { toVersion, type VersionRow } from '../sqlite/function-repository.js';
import type { FunctionVersionRepository, PublishOutcome, VersionDeleteOutcome } from '../version-ports.js';
import type { Pg } from './database.js';
import { lockFunction, VERSION_COLUMNS, versionPlaceholders, versionValues } from './function-rows.js';
import { referencingAliases } from './alias-repository.js';

const FUNCTION = 'account = $1 AND region = $2 AND name = $3';
const PUBLISHED = `${FUNCTION} AND version_number IS NOT NULL`;
const keyParams = (key: FunctionKey): unknown[] => [key.account, key.region, key.name];

type PublishedRow = VersionRow & { source_digest: string | null };

export function createPostgresVersionRepository(db: Pg): FunctionVersionRepository {
  return {
    publish(snapshot, digest, expectedLatestRevision) {
      return db.transaction(async (tx): Promise<PublishOutcome> => {
        // Publishes of one function run one at a time from here to commit.
        if (!(await lockFunction(tx, snapshot, 'update'))) return { kind: 'conflict' };
        const latest = await tx.row<{ revision_id: string }>(
          `SELECT revision_id FROM function_versions WHERE ${FUNCTION} AND version = '$LATEST'`, keyParams(snapshot));
        if (latest?.revision_id !== expectedLatestRevision) return { kind: 'conflict' };
        const newest = await tx.row<PublishedRow>(`SELECT * FROM function_versions WHERE ${PUBLISHED} ORDER BY version_number DESC LIMIT 1`, keyParams(snapshot));
        if (newest !== undefined && newest.source_digest === digest) return { kind: 'unchanged', version: toVersion(newest) };
        const numbered = await tx.row<{ last_version: number }>(
          `UPDATE functions SET last_version = last_version + 1 WHERE ${FUNCTION} RETURNING last_version`, keyParams(snapshot));
        const number = numbered?.last_version as number;
        const version: FunctionVersionRecord = { ...snapshot, version: String(number) };
        await tx.run(
          `INSERT INTO function_versions (${VERSION_COLUMNS}, source_digest, version_number) VALUES (${versionPlaceholders(2)})`,
          [...versionValues(version), digest, number],
        );
        return { kind: 'published', version };
      });
    },
    async get(key, version) {
      const row = await db.row<VersionRow>(`SELECT * FROM function_versions WHERE ${PUBLISHED} AND version = $4`, [...keyParams(key), version]);
      return row === undefined ? undefined : toVersion(row);
    },
    async list(key, afterVersion, limit) {
      // One extra row tells whether more follow.
      const rows = await db.rows<VersionRow>(
        `SELECT * FROM function_versions WHERE ${PUBLISHED} AND version_number > $4 ORDER BY version_number LIMIT $5`,
        [...keyParams(key), afterVersion, limit + 1],
      );
      return { items: rows.slice(0, limit).map(toVersion), more: rows.length > limit };
    },
    delete(key, version) {
      return db.transaction(async (tx): Promise<VersionDeleteOutcome> => {
        if (!(await lockFunction(tx, key, 'key share'))) return { kind: 'missing' };
        // FOR UPDATE waits for alias writes holding the version FOR SHARE, then sees their aliases.
        const found = await tx.row(`SELECT 1 FROM function_versions WHERE ${PUBLISHED} AND version = $4 FOR UPDATE`, [...keyParams(key), version]);
        if (found === undefined) return { kind: 'missing' };
        const aliases = await referencingAliases(tx, key, version);
        if (aliases.length > 0) return { kind: 'referenced', aliases };
        for (const table of ['provisioned_concurrency_configs', 'event_invoke_configs', 'function_versions']) {
          const column = table === 'function_versions' ? 'version' : 'qualifier';
          await tx.run(`DELETE FROM ${table} WHERE ${FUNCTION} AND ${column} = $4`, [...keyParams(key), version]);
        }
        return { kind: 'deleted' };
      });
    },
  };
}
