// QueueRepository on SQLite: queue records here, messages in queue-messages.ts and
// queue-receive.ts.
import type { QueueRepository } from '../queue-ports.js';
import type { Db } from './database.js';
import { createSqliteQueueMessages } from './queue-messages.js';
import { createSqliteReceive } from './queue-receive.js';
import { toQueue, type QueueRow } from './queue-rows.js';

export function createSqliteQueueRepository(db: Db): QueueRepository {
  const insert = db.prepare(`INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, created_at, last_modified)
    VALUES (@account, @region, @name, @fifo, @attributes, @tags, @createdAt, @lastModified) ON CONFLICT DO NOTHING RETURNING *`);
  const byKey = db.prepare('SELECT * FROM sqs_queues WHERE account = ? AND region = ? AND name = ?');
  const byId = db.prepare('SELECT * FROM sqs_queues WHERE id = ?');
  // substr() rather than LIKE: '_' is a LIKE wildcard and a legal queue-name character.
  const list = db.prepare(`SELECT * FROM sqs_queues WHERE account = @account AND region = @region
    AND substr(name, 1, length(@prefix)) = @prefix AND (@after IS NULL OR name > @after) ORDER BY name LIMIT @limit`);
  const update = db.prepare(`UPDATE sqs_queues SET attributes = COALESCE(@attributes, attributes), tags = COALESCE(@tags, tags),
    last_modified = COALESCE(@lastModified, last_modified) WHERE id = @id`);
  const remove = db.prepare('DELETE FROM sqs_queues WHERE id = ?');
  const receive = createSqliteReceive(db);

  return {
    ...createSqliteQueueMessages(db),
    create(queue) {
      const row = insert.get({ ...queue, fifo: queue.fifo ? 1 : 0, attributes: JSON.stringify(queue.attributes), tags: JSON.stringify(queue.tags) }) as QueueRow | undefined;
      return Promise.resolve(row ? toQueue(row) : undefined);
    },
    get(key) {
      const row = byKey.get(key.account, key.region, key.name) as QueueRow | undefined;
      return Promise.resolve(row ? toQueue(row) : undefined);
    },
    getById(id) {
      const row = byId.get(id) as QueueRow | undefined;
      return Promise.resolve(row ? toQueue(row) : undefined);
    },
    list(scope, prefix, after, limit) {
      const rows = list.all({ account: scope.account, region: scope.region, prefix, after: after ?? null, limit }) as QueueRow[];
      return Promise.resolve(rows.map(toQueue));
    },
    update(id, changes) {
      const result = update.run({
        id, attributes: changes.attributes ? JSON.stringify(changes.attributes) : null, tags: changes.tags ? JSON.stringify(changes.tags) : null,
        lastModified: changes.lastModified ?? null,
      });
      return Promise.resolve(result.changes === 1);
    },
    delete(id) {
      return Promise.resolve(remove.run(id).changes === 1);
    },
    receive(request) {
      return Promise.resolve(receive(request));
    },
  };
}
