// What waits to be processed, for /metrics: unsettled async events and SQS messages per
// queue. Both are index-backed counts, cheap enough for every scrape.
import type { PlatformBacklog } from '../usage-ports.js';
import type { Db } from './database.js';

export function createSqliteBacklogReader(db: Db): () => Promise<PlatformBacklog> {
  const async = db.prepare(`SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM async_events WHERE status IN ('queued', 'leased')`);
  const queues = db.prepare(`SELECT q.account, q.region, q.name, COUNT(m.seq) AS messages
    FROM sqs_queues q LEFT JOIN sqs_messages m ON m.queue_id = q.id GROUP BY q.id ORDER BY q.account, q.region, q.name`);
  return () => {
    const row = async.get() as { depth: number; oldest: number | null };
    return Promise.resolve({
      asyncDepth: row.depth, asyncOldestAt: row.oldest ?? undefined,
      queues: queues.all() as PlatformBacklog['queues'][number][],
    });
  };
}
