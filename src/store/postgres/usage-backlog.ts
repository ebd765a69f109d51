// What waits to be processed across the cluster, for /metrics: unsettled async events and
// SQS messages per queue, both index-backed counts over the shared tables.
import type { PlatformBacklog } from '../usage-ports.js';
import type { Pg } from './database.js';

export function createPostgresBacklogReader(db: Pg): () => Promise<PlatformBacklog> {
  return async () => {
    const row = await db.row<{ depth: number; oldest: number | null }>(`SELECT COUNT(*) AS depth, MIN(created_at) AS oldest
      FROM async_events WHERE status IN ('queued', 'leased')`);
    const queues = await db.rows<PlatformBacklog['queues'][number]>(`SELECT q.account, q.region, q.name, COUNT(m.seq) AS messages
      FROM sqs_queues q LEFT JOIN sqs_messages m ON m.queue_id = q.id
      GROUP BY q.id, q.account, q.region, q.name ORDER BY q.account COLLATE "C", q.region COLLATE "C", q.name COLLATE "C"`);
    return { asyncDepth: row?.depth ?? 0, asyncOldestAt: row?.oldest ?? undefined, queues };
  };
}
