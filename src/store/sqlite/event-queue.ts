// EventQueue on SQLite. Leasing is one UPDATE … RETURNING inside SQLite's single writer,
// which gives the same guarantee PostgreSQL gets from FOR UPDATE SKIP LOCKED: no event is
// leased twice at once. A window function caps how many events of one function a lease
// takes, so a function with a deep backlog cannot starve the others.
import type { EventQueue, EventSettlement } from '../ports.js';
import type { AsyncEvent, AsyncEventStatus } from '../records.js';
import type { Db } from './database.js';

export interface EventRow {
  id: string; account: string; region: string; name: string; qualifier: string | null; payload: Buffer; source: string;
  created_at: number; status: string; attempts: number; tries: number; not_before: number;
  lease_owner: string | null; lease_until: number | null; last_error: string | null; updated_at: number;
  trace_header: string | null;
}

export function toEvent(r: EventRow): AsyncEvent {
  return {
    id: r.id, account: r.account, region: r.region, name: r.name, qualifier: r.qualifier ?? undefined, payload: r.payload,
    source: r.source, createdAt: r.created_at, status: r.status as AsyncEventStatus, attempts: r.attempts, tries: r.tries,
    notBefore: r.not_before, leaseOwner: r.lease_owner ?? undefined, leaseUntil: r.lease_until ?? undefined,
    lastError: r.last_error ?? undefined, updatedAt: r.updated_at, traceHeader: r.trace_header ?? undefined,
  };
}

/**
 * Enqueues events (all or none; inside a caller's transaction, part of it). Shared with
 * repositories that enqueue atomically with their own writes (a schedule's tick).
 */
export function prepareAsyncEventInsert(db: Db): (events: readonly AsyncEvent[]) => void {
  const insert = db.prepare(`INSERT INTO async_events (id, account, region, name, qualifier, payload, source, created_at, status,
    attempts, tries, not_before, lease_owner, lease_until, last_error, updated_at, trace_header)
    VALUES (@id, @account, @region, @name, @qualifier, @payload, @source, @createdAt, @status, @attempts, @tries, @notBefore,
    @leaseOwner, @leaseUntil, @lastError, @updatedAt, @traceHeader) ON CONFLICT (id) DO NOTHING`);
  const insertAll = db.transaction((events: readonly AsyncEvent[]) => {
    for (const e of events) {
      insert.run({
        ...e, qualifier: e.qualifier ?? null, leaseOwner: e.leaseOwner ?? null, leaseUntil: e.leaseUntil ?? null, lastError: e.lastError ?? null,
        traceHeader: e.traceHeader ?? null,
      });
    }
  });
  return insertAll;
}

export function createSqliteEventQueue(db: Db): EventQueue {
  const insertAll = prepareAsyncEventInsert(db);
  // Candidates are the oldest due events (a bounded index range scan, so a deep backlog
  // does not make every lease sort the whole queue) plus expired leases.
  const lease = db.prepare(`UPDATE async_events SET status = 'leased', lease_owner = @owner, lease_until = @until, tries = tries + 1, updated_at = @now
    WHERE id IN (
      SELECT id FROM (
        SELECT id, not_before, created_at,
          ROW_NUMBER() OVER (PARTITION BY account, region, name ORDER BY not_before, created_at) AS position
        FROM (
          SELECT * FROM (SELECT id, account, region, name, not_before, created_at FROM async_events
            WHERE status = 'queued' AND not_before <= @now ORDER BY not_before LIMIT @window)
          UNION ALL
          SELECT id, account, region, name, not_before, created_at FROM async_events WHERE status = 'leased' AND lease_until < @now
        )
      ) WHERE position <= @perFunction ORDER BY not_before, created_at LIMIT @limit
    ) RETURNING *`);
  const extend = db.prepare(`UPDATE async_events SET lease_until = ? WHERE id = ? AND status = 'leased' AND lease_owner = ?`);
  const finish = db.prepare(`UPDATE async_events SET status = @status, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
    last_error = COALESCE(@lastError, last_error), updated_at = @now WHERE id = @id AND status = 'leased' AND lease_owner = @owner`);
  const retry = db.prepare(`UPDATE async_events SET status = 'queued', attempts = attempts + @attempt, not_before = @notBefore,
    lease_owner = NULL, lease_until = NULL, last_error = @lastError, updated_at = @now
    WHERE id = @id AND status = 'leased' AND lease_owner = @owner`);
  const settle = db.transaction((id: string, owner: string, now: number, s: EventSettlement, followUps: readonly AsyncEvent[]): boolean => {
    const result = s.kind === 'retry'
      ? retry.run({ id, owner, now, notBefore: s.notBefore, attempt: s.countsAsAttempt ? 1 : 0, lastError: s.lastError })
      : finish.run({ id, owner, now, status: s.kind, lastError: s.lastError ?? null });
    if (result.changes !== 1) return false;
    insertAll(followUps);
    return true;
  });
  const releaseOwned = db.prepare(`UPDATE async_events SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE status = 'leased' AND lease_owner = ?`);
  const releaseEvery = db.prepare(`UPDATE async_events SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE status = 'leased'`);
  const prune = db.prepare(`DELETE FROM async_events WHERE status IN ('succeeded', 'failed') AND updated_at < ?`);

  return {
    enqueue(events) {
      insertAll(events);
      return Promise.resolve();
    },
    lease(owner, now, leaseMs, limit, perFunction) {
      const rows = lease.all({ owner, now, until: now + leaseMs, limit, perFunction, window: Math.max(64, limit * 8) }) as EventRow[];
      return Promise.resolve(rows.map(toEvent).sort((a, b) => a.notBefore - b.notBefore || a.createdAt - b.createdAt));
    },
    extend(id, owner, until) {
      return Promise.resolve(extend.run(until, id, owner).changes === 1);
    },
    settle(id, owner, now, settlement, followUps) {
      return Promise.resolve(settle(id, owner, now, settlement, followUps));
    },
    releaseAll(owner) {
      return Promise.resolve((owner === undefined ? releaseEvery.run() : releaseOwned.run(owner)).changes);
    },
    list(filter) {
      const rows = db.prepare(`SELECT * FROM async_events WHERE account = @account AND region = @region
        AND (@name IS NULL OR name = @name) AND (@status IS NULL OR status = @status)
        ORDER BY created_at DESC LIMIT @limit`).all({
        account: filter.account, region: filter.region, name: filter.name ?? null, status: filter.status ?? null, limit: filter.limit,
      }) as EventRow[];
      return Promise.resolve(rows.map(toEvent));
    },
    pruneSettled(before) {
      return Promise.resolve(prune.run(before).changes);
    },
  };
}
