// UsageRepository on SQLite: usage records appended in batches (one transaction per
// flush) and aggregated in SQL for reports.
import type { StoredUsageRecord, UsageGrouping, UsageRecord, UsageRepository, UsageTotals } from '../usage-ports.js';
import { bulkInserter } from './bulk-insert.js';
import type { Db } from './database.js';

export interface UsageRow {
  id: number; account: string; region: string; function: string; request_id: string; version: string; qualifier: string | null;
  trigger: string; architecture: 'x86_64' | 'arm64'; start_ms: number; duration_ms: number; billed_ms: number; memory_mb: number;
  max_memory_mb: number; init_ms: number | null; start_type: UsageRecord['startType']; outcome: string; request_bytes: number; response_bytes: number;
}

export function toRecord(r: UsageRow): StoredUsageRecord {
  return {
    id: r.id, account: r.account, region: r.region, function: r.function, requestId: r.request_id, version: r.version,
    qualifier: r.qualifier ?? undefined, trigger: r.trigger, architecture: r.architecture, startedAt: r.start_ms, durationMs: r.duration_ms,
    billedMs: r.billed_ms, memoryMb: r.memory_mb, maxMemoryUsedMb: r.max_memory_mb, initDurationMs: r.init_ms ?? undefined,
    startType: r.start_type, outcome: r.outcome, requestBytes: r.request_bytes, responseBytes: r.response_bytes,
  };
}

const HOUR_MS = 3_600_000;
const GROUP_KEYS: Record<UsageGrouping, string> = {
  function: 'function',
  day: `CAST(start_ms - (start_ms % ${24 * HOUR_MS}) AS TEXT)`,
  hour: `CAST(start_ms - (start_ms % ${HOUR_MS}) AS TEXT)`,
};
const RANGE_WHERE = `account = @account AND region = @region AND start_ms >= @since AND start_ms < @until
  AND (@function IS NULL OR function = @function)`;

/** The records alone: they live in the telemetry database, the backlog figures in the main one (usage-backlog.ts). */
export type UsageRecords = Omit<UsageRepository, 'backlog'>;

export function createSqliteUsageRepository(db: Db): UsageRecords {
  const insert = bulkInserter(db, 'usage_records', [
    'account', 'region', 'function', 'request_id', 'version', 'qualifier', 'trigger', 'architecture', 'start_ms', 'duration_ms', 'billed_ms',
    'memory_mb', 'max_memory_mb', 'init_ms', 'start_type', 'outcome', 'request_bytes', 'response_bytes',
  ]);
  const appendAll = db.transaction((records: readonly UsageRecord[]) => {
    insert(records.map((r) => [
      r.account, r.region, r.function, r.requestId, r.version, r.qualifier ?? null, r.trigger, r.architecture, r.startedAt, r.durationMs,
      r.billedMs, r.memoryMb, r.maxMemoryUsedMb, r.initDurationMs ?? null, r.startType, r.outcome, r.requestBytes, r.responseBytes,
    ]));
  });
  const prune = db.prepare('DELETE FROM usage_records WHERE start_ms < ?');
  const totals = Object.fromEntries(Object.entries(GROUP_KEYS).map(([by, key]) => [by, db.prepare(`SELECT ${key} AS key, architecture,
    COUNT(*) AS requests, SUM(billed_ms) AS billedMs, SUM(billed_ms * memory_mb) AS mbMs FROM usage_records
    WHERE ${RANGE_WHERE} AND outcome <> 'throttled' GROUP BY 1, 2 ORDER BY 1, 2`)])) as Record<UsageGrouping, ReturnType<Db['prepare']>>;
  const list = db.prepare(`SELECT * FROM usage_records WHERE account = @account AND region = @region
    AND (@function IS NULL OR function = @function) AND id < @beforeId ORDER BY id DESC LIMIT @limit`);
  const range = db.prepare(`SELECT * FROM usage_records WHERE ${RANGE_WHERE} ORDER BY start_ms, id LIMIT @limit`);
  return {
    append(records) {
      if (records.length > 0) appendAll(records);
      return Promise.resolve();
    },
    deleteOlderThan(timestamp) {
      return Promise.resolve(prune.run(timestamp).changes);
    },
    totals(q, by) {
      const rows = totals[by].all({ account: q.account, region: q.region, since: q.since, until: q.until, function: q.function ?? null });
      return Promise.resolve(rows as UsageTotals[]);
    },
    list(q) {
      const rows = list.all({ account: q.account, region: q.region, function: q.function ?? null, beforeId: q.beforeId ?? Number.MAX_SAFE_INTEGER, limit: q.limit });
      return Promise.resolve((rows as UsageRow[]).map(toRecord));
    },
    range(q, limit) {
      const rows = range.all({ account: q.account, region: q.region, since: q.since, until: q.until, function: q.function ?? null, limit });
      return Promise.resolve((rows as UsageRow[]).map(toRecord));
    },
  };
}
