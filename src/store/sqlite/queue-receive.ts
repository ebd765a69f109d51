// ReceiveMessage on SQLite: one write transaction picks visible messages, leases them
// (receive count, visibility, a new receipt token) and moves the ones past maxReceiveCount
// to the dead-letter queue. SQLite has a single writer, so two receivers can never lease
// the same visible message; PostgreSQL would get the same from FOR UPDATE SKIP LOCKED.
import type { ReceiveOutcome, ReceiveRequest, StoredMessage } from '../queue-ports.js';
import type { Db } from './database.js';
import { toMessage, type MessageRow } from './queue-rows.js';

export function createSqliteReceive(db: Db): (request: ReceiveRequest) => ReceiveOutcome {
  const inFlight = db.prepare('SELECT COUNT(*) FROM sqs_messages WHERE queue_id = ? AND receive_count > 0 AND visible_at > ?').pluck();
  // Standard queues: oldest visible first, straight off the (queue_id, visible_at) index.
  const standard = db.prepare(`SELECT * FROM sqs_messages WHERE queue_id = @queueId AND visible_at <= @now AND sent_at > @expiredBefore
    ORDER BY visible_at, seq LIMIT @limit`);
  // FIFO queues: in send order, skipping every group that has a message in flight, or an
  // earlier message not visible yet, so a group is never delivered out of order.
  const fifo = db.prepare(`SELECT * FROM sqs_messages m WHERE m.queue_id = @queueId AND m.visible_at <= @now AND m.sent_at > @expiredBefore
    AND NOT EXISTS (SELECT 1 FROM sqs_messages b WHERE b.queue_id = m.queue_id AND b.group_id = m.group_id AND b.visible_at > @now
      AND (b.receive_count > 0 OR b.seq < m.seq))
    ORDER BY m.seq LIMIT @limit`);
  const lease = db.prepare(`UPDATE sqs_messages SET receive_count = receive_count + 1, first_received_at = COALESCE(first_received_at, @now),
    received_at = @now, visible_at = @until, receipt_token = @token WHERE seq = @seq RETURNING *`);
  const move = db.prepare(`UPDATE sqs_messages SET queue_id = @deadLetterQueueId, receive_count = 0, first_received_at = NULL, received_at = NULL,
    receipt_token = NULL, visible_at = @now, dead_letter_source_arn = @sourceArn WHERE seq = @seq`);

  return db.transaction((r: ReceiveRequest): ReceiveOutcome => {
    const already = inFlight.get(r.queueId, r.now) as number;
    if (already >= r.maxInFlight) return { messages: [], movedToDeadLetter: 0, overLimit: true };
    const max = Math.min(r.max, r.maxInFlight - already);
    const select = r.fifo ? fifo : standard;
    const leased: StoredMessage[] = [];
    const seen = new Set<number>();
    let moved = 0;
    for (;;) {
      const rows = select.all({ queueId: r.queueId, now: r.now, expiredBefore: r.expiredBefore, limit: max - leased.length }) as MessageRow[];
      let movedNow = 0;
      for (const row of rows) {
        if (seen.has(row.seq)) continue; // leased above with a zero visibility timeout
        seen.add(row.seq);
        if (r.redrive && row.receive_count >= r.redrive.maxReceiveCount) {
          move.run({ seq: row.seq, now: r.now, deadLetterQueueId: r.redrive.deadLetterQueueId, sourceArn: r.redrive.sourceArn });
          movedNow++;
          continue;
        }
        const updated = lease.get({ seq: row.seq, now: r.now, until: r.now + r.visibilityTimeoutMs, token: r.newToken() }) as MessageRow;
        leased.push(toMessage(updated));
      }
      moved += movedNow;
      // Moving messages away may have uncovered more to hand out; otherwise the select was all there is.
      if (movedNow === 0 || leased.length >= max) break;
    }
    return { messages: leased, movedToDeadLetter: moved, overLimit: false };
  });
}
