// ScheduleRepository on PostgreSQL. A tick is one transaction: the compare-and-swap that
// advances next_fire_at and the insert of the tick's async event commit together. Two
// nodes ticking one schedule at once both try the conditional UPDATE; the second waits
// for the first's row lock, re-reads the row, finds next_fire_at moved, and changes
// nothing, so the tick fires once. Rows map as on SQLite (shared toRecord()/toParams()).
import type { ScheduleRecord, ScheduleRepository } from '../schedule-ports.js';
import { toParams, toRecord, type ScheduleRow } from '../sqlite/schedule-repository.js';
import type { Pg } from './database.js';
import { insertAsyncEvents } from './event-queue.js';

const KEY = 'account = $1 AND region = $2 AND name = $3';
// The row is as the caller read it: same revision, same next tick (both may be NULL).
const UNCHANGED = `${KEY} AND revision = $4 AND next_fire_at IS NOT DISTINCT FROM $5::bigint`;
const COLUMNS = ['expression', 'timezone', 'state', 'description', 'functionName', 'qualifier', 'input', 'anchorAt', 'nextFireAt',
  'lastFiredAt', 'revision', 'lastModified', 'createdAt'] as const;

function keyOf(s: { account: string; region: string; name: string }): string[] {
  return [s.account, s.region, s.name];
}

/** The key, then the other columns in COLUMNS order (created_at last: replace() keeps it). */
function valuesOf(s: ScheduleRecord): (string | number | null)[] {
  const params = toParams(s);
  return [...keyOf(s), ...COLUMNS.map((c) => params[c] ?? null)];
}

export function createPostgresScheduleRepository(db: Pg): ScheduleRepository {
  return {
    async create(schedule) {
      return (await db.run(`INSERT INTO schedules (account, region, name, expression, timezone, state, description, function_name,
        qualifier, input, anchor_at, next_fire_at, last_fired_at, revision, last_modified, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`, valuesOf(schedule))) === 1;
    },
    async get(key) {
      const row = await db.row<ScheduleRow>(`SELECT * FROM schedules WHERE ${KEY}`, keyOf(key));
      return row ? toRecord(row) : undefined;
    },
    async list(scope, functionName) {
      const rows = await db.rows<ScheduleRow>(`SELECT * FROM schedules WHERE account = $1 AND region = $2
        AND ($3::text IS NULL OR function_name = $3::text) ORDER BY name`, [scope.account, scope.region, functionName ?? null]);
      return rows.map(toRecord);
    },
    async replace(next, current) {
      // $1-$3 key, $4-$5 as read, $6… the new columns but created_at.
      const values = valuesOf(next).slice(3, -1);
      return (await db.run(`UPDATE schedules SET expression = $6, timezone = $7, state = $8, description = $9, function_name = $10,
        qualifier = $11, input = $12, anchor_at = $13, next_fire_at = $14, last_fired_at = $15, revision = $16, last_modified = $17
        WHERE ${UNCHANGED}`, [...keyOf(next), current.revision, current.nextFireAt ?? null, ...values])) === 1;
    },
    async delete(key) {
      return (await db.run(`DELETE FROM schedules WHERE ${KEY}`, keyOf(key))) === 1;
    },
    async due(now, limit) {
      const rows = await db.rows<ScheduleRow>(`SELECT * FROM schedules WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL
        AND next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2`, [now, limit]);
      return rows.map(toRecord);
    },
    async nextDueAt() {
      const row = await db.row<{ at: number | null }>(`SELECT MIN(next_fire_at) AS at FROM schedules
        WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL`);
      return row?.at ?? undefined;
    },
    fire(firing) {
      const s = firing.schedule;
      return db.transaction(async (tx) => {
        const advanced = await tx.run(`UPDATE schedules SET next_fire_at = $6, last_fired_at = $7 WHERE ${UNCHANGED} AND state = 'ENABLED'`,
          [...keyOf(s), s.revision, s.nextFireAt ?? null, firing.next ?? null, firing.tick]);
        if (advanced !== 1) return false;
        if (firing.event) await insertAsyncEvents(tx, [firing.event]);
        return true;
      });
    },
  };
}
