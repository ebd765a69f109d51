// LogRepository on SQLite: one row per line, appended in batches.
import type { LogRepository } from '../ports.js';
import type { LogEvent, StoredLogEvent } from '../records.js';
import type { Db } from './database.js';

interface LogRow { id: number; account: string; region: string; log_group: string; log_stream: string; timestamp: number; request_id: string | null; message: string }

export function createSqliteLogRepository(db: Db): LogRepository {
  const insert = db.prepare(`INSERT INTO log_events (account, region, log_group, log_stream, timestamp, request_id, message)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const appendAll = db.transaction((events: readonly LogEvent[]) => {
    for (const e of events) insert.run(e.account, e.region, e.logGroup, e.logStream, e.timestamp, e.requestId ?? null, e.message);
  });
  const select = db.prepare(`SELECT * FROM log_events WHERE account = @account AND region = @region AND log_group = @logGroup
    AND id > @afterId AND timestamp >= @since AND (@requestId IS NULL OR request_id = @requestId) ORDER BY id LIMIT @limit`);
  const prune = db.prepare('DELETE FROM log_events WHERE timestamp < ?');
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
      return Promise.resolve(rows.map((r): StoredLogEvent => ({
        id: r.id, account: r.account, region: r.region, logGroup: r.log_group, logStream: r.log_stream,
        timestamp: r.timestamp, requestId: r.request_id ?? undefined, message: r.message,
      })));
    },
    deleteOlderThan(timestamp) {
      return Promise.resolve(prune.run(timestamp).changes);
    },
  };
}
