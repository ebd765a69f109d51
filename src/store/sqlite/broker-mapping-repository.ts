// BrokerMappingRepository on SQLite. update() is compare-and-swap on the revision, so two
// API changes (or two nodes) cannot both win; the runtime's reports (setResult) do not
// touch the revision, so they never make an API change stale.
import type { BrokerMappingRecord, BrokerMappingRepository, BrokerMappingState } from '../broker-mapping-ports.js';
import type { Db } from './database.js';

export interface BrokerMappingRow {
  seq: number; uuid: string; account: string; region: string; kind: string; source_config: string; function_name: string; qualifier: string;
  batch_size: number; maximum_batching_window: number; maximum_retry_attempts: number; bisect_on_error: number; on_failure: string | null;
  enabled: number; state: string; last_processing_result: string; last_error: string | null; revision: number; created_at: number; last_modified: number;
}

export function toBrokerMapping(r: BrokerMappingRow): BrokerMappingRecord {
  return {
    uuid: r.uuid, account: r.account, region: r.region, kind: r.kind, sourceConfig: r.source_config, functionName: r.function_name,
    qualifier: r.qualifier === '' ? undefined : r.qualifier, batchSize: r.batch_size, maximumBatchingWindowSeconds: r.maximum_batching_window,
    maximumRetryAttempts: r.maximum_retry_attempts, bisectBatchOnFunctionError: r.bisect_on_error === 1, onFailureDestination: r.on_failure ?? undefined,
    enabled: r.enabled === 1, state: r.state as BrokerMappingState, lastProcessingResult: r.last_processing_result, lastError: r.last_error ?? undefined,
    revision: r.revision, createdAt: r.created_at, lastModified: r.last_modified,
  };
}

/** The columns written by create and update, in this order (update skips the first four: uuid, account, region, created_at). */
export const BROKER_MAPPING_COLUMNS = ['uuid', 'account', 'region', 'created_at', 'kind', 'source_config', 'function_name', 'qualifier', 'batch_size',
  'maximum_batching_window', 'maximum_retry_attempts', 'bisect_on_error', 'on_failure', 'enabled', 'state', 'last_processing_result', 'last_error',
  'revision', 'last_modified'] as const;

/** The record's values in BROKER_MAPPING_COLUMNS order. */
export function brokerMappingValues(m: BrokerMappingRecord): (string | number | null)[] {
  return [m.uuid, m.account, m.region, m.createdAt, m.kind, m.sourceConfig, m.functionName, m.qualifier ?? '', m.batchSize,
    m.maximumBatchingWindowSeconds, m.maximumRetryAttempts, m.bisectBatchOnFunctionError ? 1 : 0, m.onFailureDestination ?? null,
    m.enabled ? 1 : 0, m.state, m.lastProcessingResult, m.lastError ?? null, m.revision, m.lastModified];
}

const UPDATED = BROKER_MAPPING_COLUMNS.slice(4);

export function createSqliteBrokerMappingRepository(db: Db): BrokerMappingRepository {
  const insert = db.prepare(`INSERT INTO broker_mappings (${BROKER_MAPPING_COLUMNS.join(', ')})
    VALUES (${BROKER_MAPPING_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
  const select = db.prepare('SELECT * FROM broker_mappings WHERE uuid = ?');
  const list = db.prepare('SELECT * FROM broker_mappings WHERE account = ? AND region = ? ORDER BY seq');
  const all = db.prepare('SELECT * FROM broker_mappings ORDER BY seq');
  const update = db.prepare(`UPDATE broker_mappings SET ${UPDATED.map((c) => `${c} = ?`).join(', ')} WHERE uuid = ? AND revision = ?`);
  const setResult = db.prepare('UPDATE broker_mappings SET last_processing_result = ?, last_error = ? WHERE uuid = ?');
  const remove = db.prepare('DELETE FROM broker_mappings WHERE uuid = ?');
  return {
    create(mapping) {
      return Promise.resolve(insert.run(...brokerMappingValues(mapping)).changes === 1);
    },
    get(uuid) {
      const row = select.get(uuid) as BrokerMappingRow | undefined;
      return Promise.resolve(row ? toBrokerMapping(row) : undefined);
    },
    list(scope) {
      return Promise.resolve((list.all(scope.account, scope.region) as BrokerMappingRow[]).map(toBrokerMapping));
    },
    all() {
      return Promise.resolve((all.all() as BrokerMappingRow[]).map(toBrokerMapping));
    },
    update(next, expectedRevision) {
      return Promise.resolve(update.run(...brokerMappingValues(next).slice(4), next.uuid, expectedRevision).changes === 1);
    },
    setResult(uuid, lastProcessingResult, lastError) {
      setResult.run(lastProcessingResult, lastError ?? null, uuid);
      return Promise.resolve();
    },
    delete(uuid) {
      return Promise.resolve(remove.run(uuid).changes === 1);
    },
  };
}
