// QueueRepository on PostgreSQL: queue records here, messages in queue-messages.ts and
// queue-receive.ts. Rows map through the SQLite row mappers (same columns and shapes).
import type { QueueRepository } from '../queue-ports.js';
import { toQueue, type QueueRow } from '../sqlite/queue-rows.js';
import type { Pg } from './database.js';
import { createPostgresQueueMessages } from './queue-messages.js';
import { createPostgresReceive } from './queue-receive.js';

export function createPostgresQueueRepository(db: Pg): QueueRepository {
  return {
    ...createPostgresQueueMessages(db),
    async create(queue) {
      const row = await db.row<QueueRow>(`INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, created_at, last_modified)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING *`, [queue.account, queue.region, queue.name, queue.fifo ? 1 : 0,
        JSON.stringify(queue.attributes), JSON.stringify(queue.tags), queue.createdAt, queue.lastModified]);
      return row ? toQueue(row) : undefined;
    },
    async get(key) {
      const row = await db.row<QueueRow>('SELECT * FROM sqs_queues WHERE account = $1 AND region = $2 AND name = $3', [key.account, key.region, key.name]);
      return row ? toQueue(row) : undefined;
    },
    async getById(id) {
      const row = await db.row<QueueRow>('SELECT * FROM sqs_queues WHERE id = $1', [id]);
      return row ? toQueue(row) : undefined;
    },
    async list(scope, prefix, after, limit) {
      // left() rather than LIKE: '_' is a LIKE wildcard and a legal queue-name character.
      const rows = await db.rows<QueueRow>(`SELECT * FROM sqs_queues WHERE account = $1 AND region = $2 AND left(name, length($3)) = $3
        AND ($4::text IS NULL OR name > $4) ORDER BY name LIMIT $5`, [scope.account, scope.region, prefix, after ?? null, limit]);
      return rows.map(toQueue);
    },
    async update(id, changes) {
      const changed = await db.run(`UPDATE sqs_queues SET attributes = COALESCE($2::text, attributes), tags = COALESCE($3::text, tags),
        last_modified = COALESCE($4::bigint, last_modified) WHERE id = $1`, [id, changes.attributes ? JSON.stringify(changes.attributes) : null,
        changes.tags ? JSON.stringify(changes.tags) : null, changes.lastModified ?? null]);
      return changed === 1;
    },
    async delete(id) {
      return (await db.run('DELETE FROM sqs_queues WHERE id = $1', [id])) === 1;
    },
    receive: createPostgresReceive(db),
  };
}
