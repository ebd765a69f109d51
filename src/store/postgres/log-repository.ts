// LogRepository on PostgreSQL: one row per line, a batch appended by one INSERT over
// unnest() (atomic, ids in batch order). Rows map as on SQLite (shared toEvent()).
// Stream prefixes use starts_with(), not LIKE, whose '%' and '_' are wildcards.
// Ids come from a sequence: across nodes they are unique and increasing per insert, but a
// line committed late may carry a lower id than one already read by a follow cursor.
import type { LogGroupSummary, LogRepository, LogStreamSummary } from '../ports.js';
import { toEvent, type LogRow } from '../sqlite/log-repository.js';
import type { Pg } from './database.js';

interface SummaryRow { name: string; first: number; last: number; bytes: number }

// $1 account, $2 region, $3 group, $4 streams (text[] or NULL), $5 prefix, $6 from, $7 until.
const SCAN_WHERE = `account = $1 AND region = $2 AND log_group = $3
    AND ($4::text[] IS NULL OR log_stream = ANY($4::text[]))
    AND ($5::text IS NULL OR starts_with(log_stream, $5::text))
    AND timestamp >= $6 AND timestamp < $7`;
// $8 position timestamp, $9 position id, $10 limit.
const SCAN_FORWARD = `SELECT * FROM log_events WHERE ${SCAN_WHERE}
    AND (timestamp > $8 OR (timestamp = $8 AND id > $9)) ORDER BY timestamp, id LIMIT $10`;
const SCAN_BACKWARD = `SELECT * FROM log_events WHERE ${SCAN_WHERE}
    AND (timestamp < $8 OR (timestamp = $8 AND id < $9)) ORDER BY timestamp DESC, id DESC LIMIT $10`;

const SUMMARY = 'MIN(timestamp) AS first, MAX(timestamp) AS last, SUM(octet_length(message))::bigint AS bytes';

export function createPostgresLogRepository(db: Pg): LogRepository {
  return {
    async append(events) {
      if (events.length === 0) return;
      await db.run(`INSERT INTO log_events (account, region, log_group, log_stream, timestamp, request_id, message)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])`, [
        events.map((e) => e.account), events.map((e) => e.region), events.map((e) => e.logGroup), events.map((e) => e.logStream),
        events.map((e) => e.timestamp), events.map((e) => e.requestId ?? null), events.map((e) => e.message),
      ]);
    },
    async query(q) {
      const rows = await db.rows<LogRow>(`SELECT * FROM log_events WHERE account = $1 AND region = $2 AND log_group = $3
        AND id > $4 AND timestamp >= $5 AND ($6::text IS NULL OR request_id = $6::text) ORDER BY id LIMIT $7`,
      [q.account, q.region, q.logGroup, q.afterId ?? 0, q.since ?? 0, q.requestId ?? null, q.limit]);
      return rows.map(toEvent);
    },
    deleteOlderThan(timestamp) {
      return db.run('DELETE FROM log_events WHERE timestamp < $1', [timestamp]);
    },
    async scan(q) {
      const backward = q.newestFirst === true;
      const edge = backward ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
      const rows = await db.rows<LogRow>(backward ? SCAN_BACKWARD : SCAN_FORWARD, [
        q.account, q.region, q.logGroup, q.logStreams === undefined ? null : [...q.logStreams], q.logStreamPrefix ?? null,
        q.from ?? Number.MIN_SAFE_INTEGER, q.until ?? Number.MAX_SAFE_INTEGER, q.position?.timestamp ?? edge, q.position?.id ?? edge, q.limit,
      ]);
      return rows.map(toEvent);
    },
    async listGroups(scope, listing) {
      const rows = await db.rows<SummaryRow>(`SELECT log_group AS name, ${SUMMARY} FROM log_events
        WHERE account = $1 AND region = $2 AND ($3::text IS NULL OR starts_with(log_group, $3::text))
        AND ($4::text IS NULL OR log_group > $4::text) GROUP BY log_group ORDER BY log_group LIMIT $5`,
      [scope.account, scope.region, listing.prefix ?? null, listing.after ?? null, listing.limit]);
      return rows.map((r): LogGroupSummary => ({ logGroup: r.name, firstTimestamp: r.first, lastTimestamp: r.last, storedBytes: r.bytes }));
    },
    async listStreams(q) {
      const rows = await db.rows<SummaryRow>(`SELECT log_stream AS name, ${SUMMARY} FROM log_events
        WHERE account = $1 AND region = $2 AND log_group = $3 AND ($4::text IS NULL OR starts_with(log_stream, $4::text))
        GROUP BY log_stream ORDER BY log_stream`, [q.account, q.region, q.logGroup, q.prefix ?? null]);
      return rows.map((r): LogStreamSummary => ({ logStream: r.name, firstTimestamp: r.first, lastTimestamp: r.last, storedBytes: r.bytes }));
    },
  };
}
