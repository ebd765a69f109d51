// FunctionVersionRepository on SQLite: published versions are function_versions rows
// beside $LATEST, numbered by functions.last_version inside the transaction that inserts
// them, so two publishes never get the same number and a deleted number never returns.
import type { FunctionKey, FunctionVersionRecord } from '../records.js';
import type { FunctionVersionRepository, PublishOutcome, VersionDeleteOutcome } from '../version-ports.js';
import type { Db } from './database.js';
import { toVersion, VERSION_COLUMNS, VERSION_VALUES, versionParams, type VersionRow } from './function-repository.js';
import { referencingAliases } from './alias-repository.js';

const PUBLISHED = "account = ? AND region = ? AND name = ? AND version != '$LATEST'";

export function createSqliteVersionRepository(db: Db): FunctionVersionRepository {
  const latestRevision = db.prepare("SELECT revision_id FROM function_versions WHERE account = ? AND region = ? AND name = ? AND version = '$LATEST'").pluck();
  const newestDigest = db.prepare(`SELECT version, source_digest FROM function_versions WHERE ${PUBLISHED} ORDER BY CAST(version AS INTEGER) DESC LIMIT 1`);
  const nextNumber = db.prepare('UPDATE functions SET last_version = last_version + 1 WHERE account = ? AND region = ? AND name = ? RETURNING last_version').pluck();
  const insert = db.prepare(`INSERT INTO function_versions (${VERSION_COLUMNS}, source_digest) VALUES (${VERSION_VALUES}, @source_digest)`);
  const selectOne = db.prepare(`SELECT * FROM function_versions WHERE ${PUBLISHED} AND version = ?`);
  const selectPage = db.prepare(`SELECT * FROM function_versions WHERE ${PUBLISHED} AND CAST(version AS INTEGER) > ? ORDER BY CAST(version AS INTEGER) LIMIT ?`);
  const deleteVersion = db.prepare(`DELETE FROM function_versions WHERE ${PUBLISHED} AND version = ?`);
  const deleteQualified = [
    db.prepare('DELETE FROM provisioned_concurrency_configs WHERE account = ? AND region = ? AND name = ? AND qualifier = ?'),
    db.prepare('DELETE FROM event_invoke_configs WHERE account = ? AND region = ? AND name = ? AND qualifier = ?'),
  ];

  const publish = db.transaction((snapshot: Omit<FunctionVersionRecord, 'version'>, digest: string, expected: string): PublishOutcome => {
    const key = [snapshot.account, snapshot.region, snapshot.name];
    if (latestRevision.get(...key) !== expected) return { kind: 'conflict' };
    const newest = newestDigest.get(...key) as { version: string; source_digest: string | null } | undefined;
    if (newest !== undefined && newest.source_digest === digest) {
      return { kind: 'unchanged', version: toVersion(selectOne.get(...key, newest.version) as VersionRow) };
    }
    const version: FunctionVersionRecord = { ...snapshot, version: String(nextNumber.get(...key)) };
    insert.run({ ...versionParams(version), source_digest: digest });
    return { kind: 'published', version };
  });

  const remove = db.transaction((key: FunctionKey, version: string): VersionDeleteOutcome => {
    const args = [key.account, key.region, key.name] as const;
    if (selectOne.get(...args, version) === undefined) return { kind: 'missing' };
    const aliases = referencingAliases(db, key, version);
    if (aliases.length > 0) return { kind: 'referenced', aliases };
    for (const statement of deleteQualified) statement.run(...args, version);
    deleteVersion.run(...args, version);
    return { kind: 'deleted' };
  });

  return {
    publish: (snapshot, digest, expected) => Promise.resolve(publish(snapshot, digest, expected)),
    get(key, version) {
      const row = selectOne.get(key.account, key.region, key.name, version) as VersionRow | undefined;
      return Promise.resolve(row === undefined ? undefined : toVersion(row));
    },
    list(key, afterVersion, limit) {
      // One extra row tells whether more follow.
      const rows = selectPage.all(key.account, key.region, key.name, afterVersion, limit + 1) as VersionRow[];
      return Promise.resolve({ items: rows.slice(0, limit).map(toVersion), more: rows.length > limit });
    },
    delete: (key, version) => Promise.resolve(remove(key, version)),
  };
}
