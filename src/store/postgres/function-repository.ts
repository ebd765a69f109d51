// FunctionRepository on PostgreSQL. Settings are one JSON column (read and written whole);
// replaceLatest is one conditional UPDATE on the RevisionId, so of two nodes replacing the
// same $LATEST at once exactly one wins.
import type { FunctionRepository, ListPage } from '../ports.js';
import type { FunctionKey, FunctionRecord } from '../records.js';
import { toFunction, toVersion, type JoinedRow, type VersionRow } from '../sqlite/function-repository.js';
import type { Pg } from './database.js';
import { VERSION_COLUMN_COUNT, VERSION_COLUMNS, versionPlaceholders, versionValues } from './function-rows.js';

const SELECT_JOINED = `SELECT f.*, v.* FROM functions f JOIN function_versions v
  ON v.account = f.account AND v.region = f.region AND v.name = f.name AND v.version = '$LATEST'`;

const KEY = 'account = $1 AND region = $2 AND name = $3';
const keyParams = (key: FunctionKey): unknown[] => [key.account, key.region, key.name];

export function createPostgresFunctionRepository(db: Pg): FunctionRepository {
  return {
    create(fn) {
      return db.transaction(async (tx) => {
        const inserted = await tx.run(
          `INSERT INTO functions (account, region, name, created_at, tags, reserved_concurrency)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [fn.account, fn.region, fn.name, fn.createdAt, JSON.stringify(fn.tags), fn.reservedConcurrency ?? null],
        );
        if (inserted === 0) return false;
        await tx.run(`INSERT INTO function_versions (${VERSION_COLUMNS}) VALUES (${versionPlaceholders()})`, versionValues(fn.latest));
        return true;
      });
    },
    async get(key) {
      const row = await db.row<JoinedRow>(`${SELECT_JOINED} WHERE f.account = $1 AND f.region = $2 AND f.name = $3`, keyParams(key));
      return row ? toFunction(row) : undefined;
    },
    async list(scope, marker, limit): Promise<ListPage<FunctionRecord>> {
      // One extra row tells whether another page exists.
      const rows = await db.rows<JoinedRow>(
        `${SELECT_JOINED} WHERE f.account = $1 AND f.region = $2 AND f.name > $3 ORDER BY f.name LIMIT $4`,
        [scope.account, scope.region, marker ?? '', limit + 1],
      );
      const items = rows.slice(0, limit).map(toFunction);
      const nextMarker = rows.length > limit ? items[items.length - 1]?.name : undefined;
      return { items, nextMarker };
    },
    async replaceLatest(next, expectedRevisionId) {
      // $1… are the row in VERSION_COLUMNS order (account, region, name, version first), then the expected revision.
      const changed = await db.run(
        `UPDATE function_versions SET (${VERSION_COLUMNS}) = (${versionPlaceholders()})
         WHERE account = $1 AND region = $2 AND name = $3 AND version = $4 AND revision_id = $${VERSION_COLUMN_COUNT + 1}`,
        [...versionValues(next), expectedRevisionId],
      );
      return changed === 1;
    },
    async setReservedConcurrency(key, value) {
      return (await db.run(`UPDATE functions SET reserved_concurrency = $4 WHERE ${KEY}`, [...keyParams(key), value ?? null])) === 1;
    },
    async setTags(key, tags) {
      return (await db.run(`UPDATE functions SET tags = $4 WHERE ${KEY}`, [...keyParams(key), JSON.stringify(tags)])) === 1;
    },
    async delete(key) {
      // Versions, aliases and configs go with it (ON DELETE CASCADE).
      return (await db.run(`DELETE FROM functions WHERE ${KEY}`, keyParams(key))) === 1;
    },
    async listUnsettled(states, updateStatuses) {
      const rows = await db.rows<VersionRow>(
        'SELECT * FROM function_versions WHERE state = ANY($1::text[]) OR last_update_status = ANY($2::text[])',
        [states, updateStatuses],
      );
      return rows.map(toVersion);
    },
    async referencedBlobKeys() {
      const rows = await db.rows<{ key: string }>('SELECT DISTINCT code_blob_key AS key FROM function_versions');
      return new Set(rows.map((r) => r.key));
    },
  };
}
