// LogRepository on SQLite: one row per line, appended in batches.
import type { LogGroupSummary, LogRepository, LogStreamSummary } from '../ports.js';
import type { LogEvent, StoredLogEvent } from '../records.js';
import { bulkInserter } from './bulk-insert.js';
import type { Db } from './database.js';

export interface LogRow { id: number; account: string; region: string; log_group: string; log_stream: string; timestamp: number; request_id: string | null; message: string }
interface SummaryRow { name: string; first: number; last: number; bytes: number }

export function toEvent(r: LogRow): StoredLogEvent {
  return {
    id: r.id, account: r.account, region: r.region, logGroup: r.log_group, logStream: r.log_stream,
    timestamp: r.timestamp, requestId: r.request_id ?? undefined, message: r.message,
  };
}

// Stream filters: a JSON array (SQLite cannot bind a list) and a prefix compared with
// substr(), because LIKE treats '%' and '_' as wildcards and ignores ASCII case.
const SCAN_WHERE = `account = @account AND region = @region AND log_group = @logGroup
    AND (@streams IS NULL OR log_stream IN (SELECT value FROM json_each(@streams)))
    AND (@prefix IS NULL OR substr(log_stream, 1, length(@prefix)) = @prefix)
    AND timestamp >= @from AND timestamp < @until`;

export function createSqliteLogRepository(db: Db): LogRepository {
  const insert = bulkInserter(db, 'log_events', ['account', 'region', 'log_group', 'log_stream', 'timestamp', 'request_id', 'message']);
  const appendAll = db.transaction((events: readonly LogEvent[]) => {
    insert(events.map((e) => [e.account, e.region, e.logGroup, e.logStream, e.timestamp, e.requestId ?? null, e.message]));
  });
  const select = db.prepare(`SELECT * FROM log_events WHERE account = @account AND region = @region AND log_group = @logGroup
    AND id > @afterId AND timestamp >= @since AND (@requestId IS NULL OR request_id = @requestId) ORDER BY id LIMIT @limit`);
  const prune = db.prepare('DELETE FROM log_events WHERE timestamp < ?');
  const scanForward = db.prepare(`SELECT * FROM log_events WHERE ${SCAN_WHERE}
    AND (timestamp > @ts OR (timestamp = @ts AND id > @id)) ORDER BY timestamp, id LIMIT @limit`);
  const scanBackward = db.prepare(`SELECT * FROM log_events WHERE ${SCAN_WHERE}
    AND (timestamp < @ts OR (timestamp = @ts AND id < @id)) ORDER BY timestamp DESC, id DESC LIMIT @limit`);
  const groups = db.prepare(`SELECT log_group AS name, MIN(timestamp) AS first, MAX(timestamp) AS last,
    SUM(length(CAST(message AS BLOB))) AS bytes FROM log_events
    WHERE account = @account AND region = @region AND (@prefix IS NULL OR substr(log_group, 1, length(@prefix)) = @prefix)
    AND (@after IS NULL OR log_group > @after) GROUP BY log_group ORDER BY log_group LIMIT @limit`);
  const streams = db.prepare(`SELECT log_stream AS name, MIN(timestamp) AS first, MAX(timestamp) AS last,
    SUM(length(CAST(message AS BLOB))) AS bytes FROM log_events
    WHERE account = @account AND region = @region AND log_group = @logGroup
    AND (@prefix IS NULL OR substr(log_stream, 1, length(@prefix)) = @prefix) GROUP BY log_stream ORDER BY log_stream`);
  return {
    append(events) {
      if (events.length > 0) appendAll(events);
      return Promise.resolve();
    },
    query(q) {
      const rows = select.all({
        account: q.account, region: q.region, logGroup: q.logGroup, afterId: q.afterId ?? 0, since: q.since ?? 0,
        requestId: q.requestId ?? null, limit: q.limit,
      }) as LogRow[];
      return Promise.resolve(rows.map(toEvent));
    },
    deleteOlderThan(timestamp) {
      return Promise.resolve(prune.run(timestamp).changes);
    },
    scan(q) {
      const backward = q.newestFirst === true;
      const edge = backward ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
      const rows = (backward ? scanBackward : scanForward).all({
        account: q.account, region: q.region, logGroup: q.logGroup,
        streams: q.logStreams === undefined ? null : JSON.stringify(q.logStreams), prefix: q.logStreamPrefix ?? null,
        from: q.from ?? Number.MIN_SAFE_INTEGER, until: q.until ?? Number.MAX_SAFE_INTEGER,
        ts: q.position?.timestamp ?? edge, id: q.position?.id ?? edge, limit: q.limit,
      }) as LogRow[];
      return Promise.resolve(rows.map(toEvent));
    },
    listGroups(scope, listing) {
      const rows = groups.all({ account: scope.account, region: scope.region, prefix: listing.prefix ?? null, after: listing.after ?? null, limit: listing.limit }) as SummaryRow[];
      return Promise.resolve(rows.map((r): LogGroupSummary => ({ logGroup: r.name, firstTimestamp: r.first, lastTimestamp: r.last, storedBytes: r.bytes })));
    },
    listStreams(q) {
      const rows = streams.all({ account: q.account, region: q.region, logGroup: q.logGroup, prefix: q.prefix ?? null }) as SummaryRow[];
      return Promise.resolve(rows.map((r): LogStreamSummary => ({ logStream: r.name, firstTimestamp: r.first, lastTimestamp: r.last, storedBytes: r.bytes })));
    },
  };
}
