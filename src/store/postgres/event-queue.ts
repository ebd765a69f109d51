// EventQueue on PostgreSQL, shared by every node. A lease is one statement: it locks the
// candidates with FOR UPDATE SKIP LOCKED (the oldest due events, a bounded index range,
// plus expired leases of dead nodes), so two nodes never take the same event and neither
// waits for the other; a window function then caps how many of one function it takes.
// Settling is a conditional UPDATE on the caller's lease, in one transaction with the
// follow-up events. Rows map as on SQLite (shared toEvent()).
import type { EventQueue, EventSettlement } from '../ports.js';
import type { AsyncEvent } from '../records.js';
import { toEvent, type EventRow } from '../sqlite/event-queue.js';
import type { Pg, Sql } from './database.js';

/**
 * Enqueues events inside the caller's transaction (an id already queued is kept as is).
 * Shared with repositories that enqueue atomically with their own writes (a schedule's tick).
 */
const INSERT_BATCH = 1000;

export async function insertAsyncEvents(tx: Sql, events: readonly AsyncEvent[]): Promise<void> {
  // One multi-row statement per batch: atomic on its own, one round trip (PostgreSQL takes
  // at most 65,535 parameters per statement, 17 per row).
  for (let start = 0; start < events.length; start += INSERT_BATCH) {
    const batch = events.slice(start, start + INSERT_BATCH);
    const params: unknown[] = [];
    const rows = batch.map((e) => {
      const at = params.length;
      params.push(e.id, e.account, e.region, e.name, e.qualifier ?? null, e.payload, e.source, e.createdAt, e.status,
        e.attempts, e.tries, e.notBefore, e.leaseOwner ?? null, e.leaseUntil ?? null, e.lastError ?? null, e.updatedAt, e.traceHeader ?? null);
      return `(${Array.from({ length: 17 }, (_, i) => `$${at + i + 1}`).join(', ')})`;
    });
    await tx.run(`INSERT INTO async_events (id, account, region, name, qualifier, payload, source, created_at, status,
      attempts, tries, not_before, lease_owner, lease_until, last_error, updated_at, trace_header)
      VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, params);
  }
}

// $1 owner, $2 now, $3 lease until, $4 limit, $5 per function, $6 window of queued candidates.
const LEASE = `WITH queued AS (
    SELECT id, account, region, name, not_before, created_at FROM async_events
    WHERE status = 'queued' AND not_before <= $2 ORDER BY not_before LIMIT $6 FOR UPDATE SKIP LOCKED
  ), expired AS (
    SELECT id, account, region, name, not_before, created_at FROM async_events
    WHERE status = 'leased' AND lease_until < $2 FOR UPDATE SKIP LOCKED
  ), ranked AS (
    SELECT id, not_before, created_at,
      ROW_NUMBER() OVER (PARTITION BY account, region, name ORDER BY not_before, created_at) AS position
    FROM (SELECT * FROM queued UNION ALL SELECT * FROM expired) AS candidates
  ), chosen AS (
    SELECT id FROM ranked WHERE position <= $5 ORDER BY not_before, created_at LIMIT $4
  )
  UPDATE async_events e SET status = 'leased', lease_owner = $1, lease_until = $3, tries = e.tries + 1, updated_at = $2
  FROM chosen WHERE e.id = chosen.id RETURNING e.*`;

const OWNED = `id = $1 AND status = 'leased' AND lease_owner = $2`;

async function settleLeased(tx: Sql, id: string, owner: string, now: number, s: EventSettlement): Promise<boolean> {
  const changed = s.kind === 'retry'
    ? await tx.run(`UPDATE async_events SET status = 'queued', attempts = attempts + $4, not_before = $5,
        lease_owner = NULL, lease_until = NULL, last_error = $6, updated_at = $3 WHERE ${OWNED}`,
    [id, owner, now, s.countsAsAttempt ? 1 : 0, s.notBefore, s.lastError])
    : await tx.run(`UPDATE async_events SET status = $4, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
        last_error = COALESCE($5, last_error), updated_at = $3 WHERE ${OWNED}`, [id, owner, now, s.kind, s.lastError ?? null]);
  return changed === 1;
}

export function createPostgresEventQueue(db: Pg): EventQueue {
  return {
    async enqueue(events) {
      // More than one statement needs a transaction to be all or none; one is atomic alone.
      if (events.length > INSERT_BATCH) await db.transaction((tx) => insertAsyncEvents(tx, events));
      else if (events.length > 0) await insertAsyncEvents(db, events);
    },
    async lease(owner, now, leaseMs, limit, perFunction) {
      const rows = await db.rows<EventRow>(LEASE, [owner, now, now + leaseMs, limit, perFunction, Math.max(64, limit * 8)]);
      return rows.map(toEvent).sort((a, b) => a.notBefore - b.notBefore || a.createdAt - b.createdAt);
    },
    async extend(id, owner, until) {
      return (await db.run(`UPDATE async_events SET lease_until = $3 WHERE ${OWNED}`, [id, owner, until])) === 1;
    },
    settle(id, owner, now, settlement, followUps) {
      if (followUps.length === 0) return settleLeased(db, id, owner, now, settlement); // one statement: no transaction round trips
      return db.transaction(async (tx) => {
        if (!(await settleLeased(tx, id, owner, now, settlement))) return false;
        await insertAsyncEvents(tx, followUps);
        return true;
      });
    },
    releaseAll(owner) {
      return db.run(`UPDATE async_events SET status = 'queued', lease_owner = NULL, lease_until = NULL
        WHERE status = 'leased' AND ($1::text IS NULL OR lease_owner = $1::text)`, [owner ?? null]);
    },
    async list(filter) {
      const rows = await db.rows<EventRow>(`SELECT * FROM async_events WHERE account = $1 AND region = $2
        AND ($3::text IS NULL OR name = $3::text) AND ($4::text IS NULL OR status = $4::text) ORDER BY created_at DESC LIMIT $5`,
      [filter.account, filter.region, filter.name ?? null, filter.status ?? null, filter.limit]);
      return rows.map(toEvent);
    },
    pruneSettled(before) {
      return db.run(`DELETE FROM async_events WHERE status IN ('succeeded', 'failed') AND updated_at < $1`, [before]);
    },
  };
}
