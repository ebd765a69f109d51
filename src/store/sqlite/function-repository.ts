// FunctionRepository on SQLite. Settings are one JSON column: they are read and written
// whole, and a new setting needs no migration.
import type { FunctionRepository, ListPage } from '../ports.js';
import type { FunctionKey, FunctionRecord, FunctionSettings, FunctionState, FunctionVersionRecord, LastUpdateStatus, Scope } from '../records.js';
import type { Db } from './database.js';

interface FunctionRow { account: string; region: string; name: string; created_at: number; tags: string; reserved_concurrency: number | null }
export interface VersionRow {
  account: string; region: string; name: string; version: string; settings: string;
  code_sha256: string; code_blob_key: string; code_size: number; revision_id: string; last_modified: string;
  state: string; state_reason: string | null; state_reason_code: string | null;
  last_update_status: string; last_update_status_reason: string | null; last_update_status_reason_code: string | null;
}
export type JoinedRow = FunctionRow & VersionRow;

/** The columns of a function_versions row as written (version-repository.ts adds source_digest). */
export const VERSION_COLUMNS = `account, region, name, version, settings, code_sha256, code_blob_key, code_size, revision_id,
  last_modified, state, state_reason, state_reason_code, last_update_status, last_update_status_reason, last_update_status_reason_code`;
export const VERSION_VALUES = `@account, @region, @name, @version, @settings, @code_sha256, @code_blob_key, @code_size, @revision_id,
  @last_modified, @state, @state_reason, @state_reason_code, @last_update_status, @last_update_status_reason, @last_update_status_reason_code`;

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

// JSON drops undefined members; put the optional ones back so records compare equal.
function settingsFromJson(text: string): FunctionSettings {
  const parsed = JSON.parse(text) as FunctionSettings;
  return { ...parsed, environment: parsed.environment, logGroup: parsed.logGroup, deadLetterTargetArn: parsed.deadLetterTargetArn };
}

export function toVersion(row: VersionRow): FunctionVersionRecord {
  return {
    account: row.account, region: row.region, name: row.name, version: row.version,
    settings: settingsFromJson(row.settings),
    code: { sha256: row.code_sha256, blobKey: row.code_blob_key, size: row.code_size },
    revisionId: row.revision_id, lastModified: row.last_modified,
    state: row.state as FunctionState,
    stateReason: orUndefined(row.state_reason), stateReasonCode: orUndefined(row.state_reason_code),
    lastUpdateStatus: row.last_update_status as LastUpdateStatus,
    lastUpdateStatusReason: orUndefined(row.last_update_status_reason),
    lastUpdateStatusReasonCode: orUndefined(row.last_update_status_reason_code),
  };
}

export function toFunction(row: JoinedRow): FunctionRecord {
  return {
    account: row.account, region: row.region, name: row.name, createdAt: row.created_at,
    tags: JSON.parse(row.tags) as Record<string, string>,
    reservedConcurrency: orUndefined(row.reserved_concurrency),
    latest: toVersion(row),
  };
}

export function versionParams(v: FunctionVersionRecord): Record<string, unknown> {
  return {
    account: v.account, region: v.region, name: v.name, version: v.version,
    settings: JSON.stringify(v.settings),
    code_sha256: v.code.sha256, code_blob_key: v.code.blobKey, code_size: v.code.size,
    revision_id: v.revisionId, last_modified: v.lastModified,
    state: v.state, state_reason: v.stateReason ?? null, state_reason_code: v.stateReasonCode ?? null,
    last_update_status: v.lastUpdateStatus, last_update_status_reason: v.lastUpdateStatusReason ?? null,
    last_update_status_reason_code: v.lastUpdateStatusReasonCode ?? null,
  };
}

const SELECT_JOINED = `SELECT f.*, v.* FROM functions f JOIN function_versions v
  ON v.account = f.account AND v.region = f.region AND v.name = f.name AND v.version = '$LATEST'`;

export function createSqliteFunctionRepository(db: Db): FunctionRepository {
  const insertFunction = db.prepare(`INSERT INTO functions (account, region, name, created_at, tags, reserved_concurrency)
    VALUES (@account, @region, @name, @created_at, @tags, @reserved_concurrency) ON CONFLICT DO NOTHING`);
  const insertVersion = db.prepare(`INSERT INTO function_versions (${VERSION_COLUMNS}) VALUES (${VERSION_VALUES})`);
  const selectOne = db.prepare(`${SELECT_JOINED} WHERE f.account = ? AND f.region = ? AND f.name = ?`);
  const selectPage = db.prepare(`${SELECT_JOINED} WHERE f.account = ? AND f.region = ? AND f.name > ? ORDER BY f.name LIMIT ?`);
  const replaceVersion = db.prepare(`UPDATE function_versions SET settings = @settings, code_sha256 = @code_sha256,
    code_blob_key = @code_blob_key, code_size = @code_size, revision_id = @revision_id, last_modified = @last_modified,
    state = @state, state_reason = @state_reason, state_reason_code = @state_reason_code,
    last_update_status = @last_update_status, last_update_status_reason = @last_update_status_reason,
    last_update_status_reason_code = @last_update_status_reason_code
    WHERE account = @account AND region = @region AND name = @name AND version = @version AND revision_id = @expected`);
  const updateReserved = db.prepare('UPDATE functions SET reserved_concurrency = ? WHERE account = ? AND region = ? AND name = ?');
  const updateTags = db.prepare('UPDATE functions SET tags = ? WHERE account = ? AND region = ? AND name = ?');
  const deleteFunction = db.prepare('DELETE FROM functions WHERE account = ? AND region = ? AND name = ?');
  const blobKeys = db.prepare('SELECT DISTINCT code_blob_key AS key FROM function_versions');

  const create = db.transaction((fn: FunctionRecord): boolean => {
    const inserted = insertFunction.run({
      account: fn.account, region: fn.region, name: fn.name, created_at: fn.createdAt,
      tags: JSON.stringify(fn.tags), reserved_concurrency: fn.reservedConcurrency ?? null,
    });
    if (inserted.changes === 0) return false;
    insertVersion.run(versionParams(fn.latest));
    return true;
  });

  return {
    create: (fn) => Promise.resolve(create(fn)),
    get(key: FunctionKey) {
      const row = selectOne.get(key.account, key.region, key.name) as JoinedRow | undefined;
      return Promise.resolve(row ? toFunction(row) : undefined);
    },
    list(scope: Scope, marker, limit): Promise<ListPage<FunctionRecord>> {
      // One extra row tells whether another page exists.
      const rows = selectPage.all(scope.account, scope.region, marker ?? '', limit + 1) as JoinedRow[];
      const items = rows.slice(0, limit).map(toFunction);
      const nextMarker = rows.length > limit ? items[items.length - 1]?.name : undefined;
      return Promise.resolve({ items, nextMarker });
    },
    replaceLatest(next, expectedRevisionId) {
      const result = replaceVersion.run({ ...versionParams(next), expected: expectedRevisionId });
      return Promise.resolve(result.changes === 1);
    },
    setReservedConcurrency(key, value) {
      return Promise.resolve(updateReserved.run(value ?? null, key.account, key.region, key.name).changes === 1);
    },
    setTags(key, tags) {
      return Promise.resolve(updateTags.run(JSON.stringify(tags), key.account, key.region, key.name).changes === 1);
    },
    delete(key) {
      return Promise.resolve(deleteFunction.run(key.account, key.region, key.name).changes === 1);
    },
    listUnsettled(states, updateStatuses) {
      const rows = db
        .prepare(`SELECT * FROM function_versions WHERE state IN (${states.map(() => '?').join(',') || "''"})
          OR last_update_status IN (${updateStatuses.map(() => '?').join(',') || "''"})`)
        .all(...states, ...updateStatuses) as VersionRow[];
      return Promise.resolve(rows.map(toVersion));
    },
    referencedBlobKeys() {
      return Promise.resolve(new Set((blobKeys.all() as { key: string }[]).map((r) => r.key)));
    },
  };
}
