// Message writes on PostgreSQL other than receive (queue-receive.ts): send with FIFO
// sequence numbers and deduplication, delete and visibility changes by receipt, purge,
// counts and the retention sweep. A send is one transaction, committed before it returns.
// Deletes and visibility changes are conditional statements (the receipt token is checked
// in the WHERE), so a receive on another node that re-leases the message in between wins
// cleanly; the reason for a refusal is read afterwards.
import type { DeleteResult, QueueRepository, SendOutcome, VisibilityResult } from '../queue-ports.js';
import type { Pg, Sql } from './database.js';

type MessageMethods = Pick<QueueRepository, 'send' | 'deleteMessages' | 'changeVisibility' | 'purge' | 'counts' | 'nextVisibleAt' | 'deleteExpired'>;
type SendArgs = Parameters<MessageMethods['send']>;

interface ReceiptRow { receipt_token: string | null; visible_at: number; received_at: number | null }

/** 20 decimal digits, increasing: the shape of SQS's FIFO SequenceNumber. */
function sequenceNumber(n: number): string {
  return (10n ** 19n + BigInt(n)).toString();
}

const BY_MESSAGE_ID = 'SELECT receipt_token, visible_at, received_at FROM sqs_messages WHERE queue_id = $1 AND message_id = $2';

async function sendIn(tx: Sql, queueId: SendArgs[0], messages: SendArgs[1], now: number, dedup: SendArgs[3]): Promise<SendOutcome[]> {
  // FIFO sends of one queue take turns on the queue row: the deduplication check and the
  // sequence number then see every send committed before, whichever node made it.
  if (dedup) await tx.run('SELECT 1 FROM sqs_queues WHERE id = $1 FOR NO KEY UPDATE', [queueId]);
  const outcomes: SendOutcome[] = [];
  for (const m of messages) {
    const scope = dedup?.scopeOf === 'messageGroup' ? (m.groupId ?? '') : '';
    if (dedup && m.deduplicationId !== undefined) {
      const hit = await tx.row<{ message_id: string; sequence_number: string | null }>(`SELECT message_id, sequence_number FROM sqs_deduplication
        WHERE queue_id = $1 AND scope = $2 AND dedup_id = $3 AND expires_at > $4`, [queueId, scope, m.deduplicationId, now]);
      if (hit) {
        outcomes.push({ messageId: hit.message_id, sequenceNumber: hit.sequence_number ?? undefined, duplicate: true });
        continue;
      }
    }
    let sequence: string | undefined;
    if (dedup) {
      const next = await tx.row<{ next_sequence: number }>('UPDATE sqs_queues SET next_sequence = next_sequence + 1 WHERE id = $1 RETURNING next_sequence', [queueId]);
      sequence = sequenceNumber(next?.next_sequence ?? 0);
    }
    await tx.run(`INSERT INTO sqs_messages (queue_id, message_id, body, attributes, system_attributes, md5_body, md5_attributes,
      md5_system_attributes, sender_id, sent_at, group_id, dedup_id, sequence_number, visible_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [queueId, m.messageId, m.body, JSON.stringify(m.attributes),
      JSON.stringify(m.systemAttributes), m.md5OfBody, m.md5OfAttributes ?? null, m.md5OfSystemAttributes ?? null, m.senderId, m.sentAt,
      m.groupId ?? null, m.deduplicationId ?? null, sequence ?? null, m.visibleAt]);
    if (dedup && m.deduplicationId !== undefined) {
      await tx.run(`INSERT INTO sqs_deduplication (queue_id, scope, dedup_id, message_id, sequence_number, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET message_id = EXCLUDED.message_id, sequence_number = EXCLUDED.sequence_number,
        expires_at = EXCLUDED.expires_at`, [queueId, scope, m.deduplicationId, m.messageId, sequence ?? null, now + dedup.windowMs]);
    }
    outcomes.push({ messageId: m.messageId, sequenceNumber: sequence, duplicate: false });
  }
  return outcomes;
}

export function createPostgresQueueMessages(db: Pg): MessageMethods {
  return {
    send: (queueId, messages, now, dedup) => db.transaction((tx) => sendIn(tx, queueId, messages, now, dedup)),

    async deleteMessages(queueId, receipts, now, allowExpired) {
      const results: DeleteResult[] = [];
      for (const r of receipts) {
        const deleted = await db.run(`DELETE FROM sqs_messages WHERE queue_id = $1 AND message_id = $2 AND receipt_token = $3
          AND ($4::boolean OR visible_at > $5)`, [queueId, r.messageId, r.receiptToken, allowExpired, now]);
        if (deleted === 1) {
          results.push('deleted');
          continue;
        }
        const row = await db.row<ReceiptRow>(BY_MESSAGE_ID, [queueId, r.messageId]);
        results.push(!row ? 'gone' : row.receipt_token !== r.receiptToken ? 'stale' : 'expired');
      }
      return results;
    },

    async changeVisibility(queueId, changes, now, maxInFlightMs) {
      const results: VisibilityResult[] = [];
      for (const c of changes) {
        const changed = await db.run(`UPDATE sqs_messages SET visible_at = $4::bigint + $5::bigint WHERE queue_id = $1 AND message_id = $2
          AND receipt_token = $3 AND visible_at > $4 AND $4::bigint + $5::bigint - COALESCE(received_at, $4) <= $6::bigint`, [queueId, c.messageId, c.receiptToken, now, c.timeoutMs, maxInFlightMs]);
        if (changed === 1) {
          results.push('changed');
          continue;
        }
        const row = await db.row<ReceiptRow>(BY_MESSAGE_ID, [queueId, c.messageId]);
        results.push(!row ? 'gone' : row.receipt_token !== c.receiptToken ? 'stale' : row.visible_at <= now ? 'not-in-flight' : 'too-long');
      }
      return results;
    },

    purge: (queueId, now) =>
      db.transaction(async (tx) => {
        const removed = await tx.run('DELETE FROM sqs_messages WHERE queue_id = $1', [queueId]);
        await tx.run('UPDATE sqs_queues SET purged_at = $2 WHERE id = $1', [queueId, now]);
        return removed;
      }),

    async counts(queueId, now, expiredBefore) {
      const row = await db.row<{ visible: number; inFlight: number; delayed: number }>(`SELECT COUNT(*) FILTER (WHERE visible_at <= $2) AS visible,
        COUNT(*) FILTER (WHERE visible_at > $2 AND receive_count > 0) AS "inFlight", COUNT(*) FILTER (WHERE visible_at > $2 AND receive_count = 0) AS delayed
        FROM sqs_messages WHERE queue_id = $1 AND sent_at > $3`, [queueId, now, expiredBefore]);
      return { visible: row?.visible ?? 0, inFlight: row?.inFlight ?? 0, delayed: row?.delayed ?? 0 };
    },

    async nextVisibleAt(queueId, now) {
      const row = await db.row<{ at: number | null }>('SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_id = $1 AND visible_at > $2', [queueId, now]);
      return row?.at ?? undefined;
    },

    // Retention is the queue's MessageRetentionPeriod attribute (seconds), counted from the
    // first send: a message moved to a dead-letter queue keeps its SentTimestamp, as on SQS.
    deleteExpired: (now) =>
      db.transaction(async (tx) => {
        const messages = await tx.run(`DELETE FROM sqs_messages m USING sqs_queues q WHERE q.id = m.queue_id
          AND m.sent_at <= $1::bigint - (q.attributes::jsonb ->> 'MessageRetentionPeriod')::bigint * 1000`, [now]);
        return messages + (await tx.run('DELETE FROM sqs_deduplication WHERE expires_at <= $1', [now]));
      }),
  };
}
