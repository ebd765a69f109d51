// ReceiveMessage on PostgreSQL: one transaction picks visible messages, leases them
// (receive count, visibility, a new receipt token) and moves the ones past maxReceiveCount
// to the dead-letter queue. Several nodes receive at once, so:
// - standard queues pick with FOR UPDATE SKIP LOCKED: a message another receiver is leasing
//   is skipped, never handed out twice, and a receiver never waits on another;
// - FIFO queues take the queue's receive lock (a transaction advisory lock) first, so the
//   group check (no message of the group in flight, none earlier still hidden) sees every
//   lease committed before it: a group is never read from by two receivers at once.
// Every lease re-checks visibility in its UPDATE, so a message deleted or re-leased in
// between is dropped rather than handed out.
import type { ReceiveOutcome, ReceiveRequest, StoredMessage } from '../queue-ports.js';
import { toMessage, type MessageRow } from '../sqlite/queue-rows.js';
import type { Pg, Sql } from './database.js';

/** First key of the FIFO receive lock (the second is the queue id); any constant of its own. */
const FIFO_RECEIVE_LOCK = 7_130_222;

// Standard queues: oldest visible first, straight off the (queue_id, visible_at) index.
const STANDARD = `SELECT * FROM sqs_messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3
  ORDER BY visible_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED`;
// FIFO queues: in send order, skipping every group that has a message in flight, or an
// earlier message not visible yet, so a group is never delivered out of order.
const FIFO = `SELECT * FROM sqs_messages m WHERE m.queue_id = $1 AND m.visible_at <= $2 AND m.sent_at > $3
  AND NOT EXISTS (SELECT 1 FROM sqs_messages b WHERE b.queue_id = m.queue_id AND b.group_id = m.group_id AND b.visible_at > $2
    AND (b.receive_count > 0 OR b.seq < m.seq))
  ORDER BY m.seq LIMIT $4`;
const LEASE = `UPDATE sqs_messages SET receive_count = receive_count + 1, first_received_at = COALESCE(first_received_at, $2),
  received_at = $2, visible_at = $3, receipt_token = $4 WHERE seq = $1 AND visible_at <= $2 RETURNING *`;
const MOVE = `UPDATE sqs_messages SET queue_id = $3, receive_count = 0, first_received_at = NULL, received_at = NULL,
  receipt_token = NULL, visible_at = $2, dead_letter_source_arn = $4 WHERE seq = $1`;

async function receiveIn(tx: Sql, r: ReceiveRequest): Promise<ReceiveOutcome> {
  if (r.fifo) await tx.run('SELECT pg_advisory_xact_lock($1, $2::int)', [FIFO_RECEIVE_LOCK, r.queueId % 2_147_483_647]);
  const counted = await tx.row<{ n: number }>('SELECT COUNT(*) AS n FROM sqs_messages WHERE queue_id = $1 AND receive_count > 0 AND visible_at > $2',
    [r.queueId, r.now]);
  const already = counted?.n ?? 0;
  if (already >= r.maxInFlight) return { messages: [], movedToDeadLetter: 0, overLimit: true };
  const max = Math.min(r.max, r.maxInFlight - already);
  const leased: StoredMessage[] = [];
  const seen = new Set<number>();
  let moved = 0;
  for (;;) {
    const rows = await tx.rows<MessageRow>(r.fifo ? FIFO : STANDARD, [r.queueId, r.now, r.expiredBefore, max - leased.length]);
    let movedNow = 0;
    for (const row of rows) {
      if (seen.has(row.seq)) continue; // leased above with a zero visibility timeout
      seen.add(row.seq);
      if (r.redrive && row.receive_count >= r.redrive.maxReceiveCount) {
        movedNow += await tx.run(MOVE, [row.seq, r.now, r.redrive.deadLetterQueueId, r.redrive.sourceArn]);
        continue;
      }
      const updated = await tx.row<MessageRow>(LEASE, [row.seq, r.now, r.now + r.visibilityTimeoutMs, r.newToken()]);
      if (updated) leased.push(toMessage(updated));
    }
    moved += movedNow;
    // Moving messages away may have uncovered more to hand out; otherwise the select was all there is.
    if (movedNow === 0 || leased.length >= max) break;
  }
  return { messages: leased, movedToDeadLetter: moved, overLimit: false };
}

export function createPostgresReceive(db: Pg): (request: ReceiveRequest) => Promise<ReceiveOutcome> {
  return (request) => db.transaction((tx) => receiveIn(tx, request));
}
