// UsageRepository on PostgreSQL: a flush of usage records is one INSERT over unnest()
// (all or none), reports aggregate in SQL, and the backlog figures read the shared
// queues. Rows map as on SQLite (shared toRecord()). Sums are cast back to BIGINT, which
// the pool reads as a JS number (SUM of BIGINT is NUMERIC, read as a string).
import type { UsageGrouping, UsageRepository, UsageTotals } from '../usage-ports.js';
import { toRecord, type UsageRow } from '../sqlite/usage-repository.js';
import type { Pg } from './database.js';
import { createPostgresBacklogReader } from './usage-backlog.js';

const HOUR_MS = 3_600_000;
// Keys sort bytewise, as on SQLite (a function name, or a period start in epoch ms as text).
const GROUP_KEYS: Record<UsageGrouping, string> = {
  function: 'function',
  day: `(start_ms - (start_ms % ${24 * HOUR_MS}))::text COLLATE "C"`,
  hour: `(start_ms - (start_ms % ${HOUR_MS}))::text COLLATE "C"`,
};
// $1 account, $2 region, $3 since, $4 until, $5 function or NULL.
const RANGE_WHERE = `account = $1 AND region = $2 AND start_ms >= $3 AND start_ms < $4
  AND ($5::text IS NULL OR function = $5::text)`;

export function createPostgresUsageRepository(db: Pg): UsageRepository {
  return {
    async append(records) {
      if (records.length === 0) return;
      const column = <T>(pick: (r: (typeof records)[number]) => T): T[] => records.map(pick);
      await db.run(`INSERT INTO usage_records (account, region, function, request_id, version, qualifier, trigger, architecture,
        start_ms, duration_ms, billed_ms, memory_mb, max_memory_mb, init_ms, start_type, outcome, request_bytes, response_bytes)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
        $9::bigint[], $10::float8[], $11::bigint[], $12::integer[], $13::integer[], $14::float8[], $15::text[], $16::text[],
        $17::bigint[], $18::bigint[])`, [
        column((r) => r.account), column((r) => r.region), column((r) => r.function), column((r) => r.requestId),
        column((r) => r.version), column((r) => r.qualifier ?? null), column((r) => r.trigger), column((r) => r.architecture),
        column((r) => r.startedAt), column((r) => r.durationMs), column((r) => r.billedMs), column((r) => r.memoryMb),
        column((r) => r.maxMemoryUsedMb), column((r) => r.initDurationMs ?? null), column((r) => r.startType), column((r) => r.outcome),
        column((r) => r.requestBytes), column((r) => r.responseBytes),
      ]);
    },
    deleteOlderThan(timestamp) {
      return db.run('DELETE FROM usage_records WHERE start_ms < $1', [timestamp]);
    },
    totals(q, by) {
      return db.rows<UsageTotals>(`SELECT ${GROUP_KEYS[by]} AS key, architecture, COUNT(*) AS requests,
        SUM(billed_ms)::bigint AS "billedMs", SUM(billed_ms * memory_mb)::bigint AS "mbMs" FROM usage_records
        WHERE ${RANGE_WHERE} AND outcome <> 'throttled' GROUP BY 1, 2 ORDER BY 1, 2`, [q.account, q.region, q.since, q.until, q.function ?? null]);
    },
    async list(q) {
      const rows = await db.rows<UsageRow>(`SELECT * FROM usage_records WHERE account = $1 AND region = $2
        AND ($3::text IS NULL OR function = $3::text) AND id < $4 ORDER BY id DESC LIMIT $5`,
      [q.account, q.region, q.function ?? null, q.beforeId ?? Number.MAX_SAFE_INTEGER, q.limit]);
      return rows.map(toRecord);
    },
    async range(q, limit) {
      const rows = await db.rows<UsageRow>(`SELECT * FROM usage_records WHERE ${RANGE_WHERE} ORDER BY start_ms, id LIMIT $6`,
        [q.account, q.region, q.since, q.until, q.function ?? null, limit]);
      return rows.map(toRecord);
    },
    backlog: createPostgresBacklogReader(db),
  };
}
