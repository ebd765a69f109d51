// Message writes on SQLite other than receive (queue-receive.ts): send with FIFO
// sequence numbers and deduplication, delete and visibility changes by receipt, purge,
// counts and the retention sweep. Each call is one transaction, committed before it returns.
import type { DeleteResult, QueueRepository, SendOutcome, VisibilityResult } from '../queue-ports.js';
import type { Db } from './database.js';

type MessageMethods = Pick<QueueRepository, 'send' | 'deleteMessages' | 'changeVisibility' | 'purge' | 'counts' | 'nextVisibleAt' | 'deleteExpired'>;

interface ReceiptRow { seq: number; receipt_token: string | null; visible_at: number; received_at: number | null }

/** 20 decimal digits, increasing: the shape of SQS's FIFO SequenceNumber. */
function sequenceNumber(n: number): string {
  return (10n ** 19n + BigInt(n)).toString();
}

export function createSqliteQueueMessages(db: Db): MessageMethods {
  const insert = db.prepare(`INSERT INTO sqs_messages (queue_id, message_id, body, attributes, system_attributes, md5_body, md5_attributes,
    md5_system_attributes, sender_id, sent_at, group_id, dedup_id, sequence_number, visible_at)
    VALUES (@queueId, @messageId, @body, @attributes, @systemAttributes, @md5OfBody, @md5OfAttributes, @md5OfSystemAttributes,
    @senderId, @sentAt, @groupId, @deduplicationId, @sequenceNumber, @visibleAt)`);
  const nextSequence = db.prepare('UPDATE sqs_queues SET next_sequence = next_sequence + 1 WHERE id = ? RETURNING next_sequence').pluck();
  const findDuplicate = db.prepare('SELECT message_id, sequence_number FROM sqs_deduplication WHERE queue_id = ? AND scope = ? AND dedup_id = ? AND expires_at > ?');
  const remember = db.prepare('INSERT OR REPLACE INTO sqs_deduplication VALUES (?, ?, ?, ?, ?, ?)');
  const byMessageId = db.prepare('SELECT seq, receipt_token, visible_at, received_at FROM sqs_messages WHERE queue_id = ? AND message_id = ?');
  const deleteSeq = db.prepare('DELETE FROM sqs_messages WHERE seq = ?');
  const setVisibleAt = db.prepare('UPDATE sqs_messages SET visible_at = ? WHERE seq = ?');
  const purgeAll = db.prepare('DELETE FROM sqs_messages WHERE queue_id = ?');
  const markPurged = db.prepare('UPDATE sqs_queues SET purged_at = ? WHERE id = ?');
  const counts = db.prepare(`SELECT COALESCE(SUM(visible_at <= @now), 0) AS visible,
    COALESCE(SUM(visible_at > @now AND receive_count > 0), 0) AS inFlight, COALESCE(SUM(visible_at > @now AND receive_count = 0), 0) AS delayed
    FROM sqs_messages WHERE queue_id = @queueId AND sent_at > @expiredBefore`);
  const nextVisible = db.prepare('SELECT MIN(visible_at) FROM sqs_messages WHERE queue_id = ? AND visible_at > ?').pluck();
  // Retention is the queue's MessageRetentionPeriod attribute (seconds), counted from the
  // first send: a message moved to a dead-letter queue keeps its SentTimestamp, as on SQS.
  const expireMessages = db.prepare(`DELETE FROM sqs_messages WHERE seq IN (SELECT m.seq FROM sqs_messages m JOIN sqs_queues q ON q.id = m.queue_id
    WHERE m.sent_at <= @now - CAST(json_extract(q.attributes, '$.MessageRetentionPeriod') AS INTEGER) * 1000)`);
  const expireDedup = db.prepare('DELETE FROM sqs_deduplication WHERE expires_at <= ?');

  const send = db.transaction((queueId: number, messages: Parameters<MessageMethods['send']>[1], now: number, dedup: Parameters<MessageMethods['send']>[3]): SendOutcome[] =>
    messages.map((m) => {
      const scope = dedup?.scopeOf === 'messageGroup' ? (m.groupId ?? '') : '';
      if (dedup && m.deduplicationId !== undefined) {
        const hit = findDuplicate.get(queueId, scope, m.deduplicationId, now) as { message_id: string; sequence_number: string | null } | undefined;
        if (hit) return { messageId: hit.message_id, sequenceNumber: hit.sequence_number ?? undefined, duplicate: true };
      }
      const sequence = dedup ? sequenceNumber(nextSequence.get(queueId) as number) : undefined;
      insert.run({
        ...m, queueId, attributes: JSON.stringify(m.attributes), systemAttributes: JSON.stringify(m.systemAttributes),
        md5OfAttributes: m.md5OfAttributes ?? null, md5OfSystemAttributes: m.md5OfSystemAttributes ?? null, groupId: m.groupId ?? null,
        deduplicationId: m.deduplicationId ?? null, sequenceNumber: sequence ?? null,
      });
      if (dedup && m.deduplicationId !== undefined) remember.run(queueId, scope, m.deduplicationId, m.messageId, sequence ?? null, now + dedup.windowMs);
      return { messageId: m.messageId, sequenceNumber: sequence, duplicate: false };
    }));

  const deleteMessages = db.transaction((queueId: number, receipts: Parameters<MessageMethods['deleteMessages']>[1], now: number, allowExpired: boolean): DeleteResult[] =>
    receipts.map((r) => {
      const row = byMessageId.get(queueId, r.messageId) as ReceiptRow | undefined;
      if (!row) return 'gone';
      if (row.receipt_token !== r.receiptToken) return 'stale';
      if (row.visible_at <= now && !allowExpired) return 'expired';
      deleteSeq.run(row.seq);
      return 'deleted';
    }));

  const changeVisibility = db.transaction((queueId: number, changes: Parameters<MessageMethods['changeVisibility']>[1], now: number, maxInFlightMs: number): VisibilityResult[] =>
    changes.map((c) => {
      const row = byMessageId.get(queueId, c.messageId) as ReceiptRow | undefined;
      if (!row) return 'gone';
      if (row.receipt_token !== c.receiptToken) return 'stale';
      if (row.visible_at <= now) return 'not-in-flight';
      if (now + c.timeoutMs - (row.received_at ?? now) > maxInFlightMs) return 'too-long';
      setVisibleAt.run(now + c.timeoutMs, row.seq);
      return 'changed';
    }));

  const purge = db.transaction((queueId: number, now: number): number => {
    const removed = purgeAll.run(queueId).changes;
    markPurged.run(now, queueId);
    return removed;
  });

  const deleteExpired = db.transaction((now: number): number => expireMessages.run({ now }).changes + expireDedup.run(now).changes);

  return {
    send: (queueId, messages, now, dedup) => Promise.resolve(send(queueId, messages, now, dedup)),
    deleteMessages: (queueId, receipts, now, allowExpired) => Promise.resolve(deleteMessages(queueId, receipts, now, allowExpired)),
    changeVisibility: (queueId, list, now, maxInFlightMs) => Promise.resolve(changeVisibility(queueId, list, now, maxInFlightMs)),
    purge: (queueId, now) => Promise.resolve(purge(queueId, now)),
    counts: (queueId, now, expiredBefore) => Promise.resolve(counts.get({ queueId, now, expiredBefore }) as { visible: number; inFlight: number; delayed: number }),
    nextVisibleAt: (queueId, now) => Promise.resolve((nextVisible.get(queueId, now) as number | null) ?? undefined),
    deleteExpired: (now) => Promise.resolve(deleteExpired(now)),
  };
}
