// ScheduleRepository on SQLite. A tick is one transaction: the compare-and-swap that
// advances next_fire_at and the insert of the tick's async event commit together, so a
// crash leaves either both (the event runs, the tick is not fired again) or neither (the
// tick is still due and fires on recovery).
import type { ScheduleRecord, ScheduleRepository, ScheduleState } from '../schedule-ports.js';
import type { Db } from './database.js';
import { prepareAsyncEventInsert } from './event-queue.js';

export interface ScheduleRow {
  account: string; region: string; name: string; expression: string; timezone: string; state: string; description: string;
  function_name: string; qualifier: string | null; input: string | null; anchor_at: number; next_fire_at: number | null;
  last_fired_at: number | null; revision: string; created_at: number; last_modified: number;
}

export function toRecord(r: ScheduleRow): ScheduleRecord {
  return {
    account: r.account, region: r.region, name: r.name, expression: r.expression, timezone: r.timezone, state: r.state as ScheduleState,
    description: r.description, target: { functionName: r.function_name, qualifier: r.qualifier ?? undefined, input: r.input ?? undefined },
    anchorAt: r.anchor_at, nextFireAt: r.next_fire_at ?? undefined, lastFiredAt: r.last_fired_at ?? undefined, revision: r.revision,
    createdAt: r.created_at, lastModified: r.last_modified,
  };
}

export function toParams(s: ScheduleRecord): Record<string, string | number | null> {
  return {
    account: s.account, region: s.region, name: s.name, expression: s.expression, timezone: s.timezone, state: s.state, description: s.description,
    functionName: s.target.functionName, qualifier: s.target.qualifier ?? null, input: s.target.input ?? null, anchorAt: s.anchorAt,
    nextFireAt: s.nextFireAt ?? null, lastFiredAt: s.lastFiredAt ?? null, revision: s.revision, createdAt: s.createdAt, lastModified: s.lastModified,
  };
}

const KEY = 'account = @account AND region = @region AND name = @name';
// The row is as the caller read it: same revision, same next tick (IS: both may be NULL).
const UNCHANGED = `${KEY} AND revision = @expectedRevision AND next_fire_at IS @expectedNextFireAt`;

export function createSqliteScheduleRepository(db: Db): ScheduleRepository {
  const insert = db.prepare(`INSERT INTO schedules (account, region, name, expression, timezone, state, description, function_name, qualifier,
    input, anchor_at, next_fire_at, last_fired_at, revision, created_at, last_modified)
    VALUES (@account, @region, @name, @expression, @timezone, @state, @description, @functionName, @qualifier, @input, @anchorAt,
    @nextFireAt, @lastFiredAt, @revision, @createdAt, @lastModified) ON CONFLICT DO NOTHING`);
  const select = db.prepare(`SELECT * FROM schedules WHERE ${KEY}`);
  const listAll = db.prepare('SELECT * FROM schedules WHERE account = ? AND region = ? ORDER BY name');
  const listByFunction = db.prepare('SELECT * FROM schedules WHERE account = ? AND region = ? AND function_name = ? ORDER BY name');
  const update = db.prepare(`UPDATE schedules SET expression = @expression, timezone = @timezone, state = @state, description = @description,
    function_name = @functionName, qualifier = @qualifier, input = @input, anchor_at = @anchorAt, next_fire_at = @nextFireAt,
    last_fired_at = @lastFiredAt, revision = @revision, last_modified = @lastModified WHERE ${UNCHANGED}`);
  const remove = db.prepare(`DELETE FROM schedules WHERE ${KEY}`);
  const due = db.prepare(`SELECT * FROM schedules WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL AND next_fire_at <= ?
    ORDER BY next_fire_at LIMIT ?`);
  const nextDue = db.prepare(`SELECT MIN(next_fire_at) AS at FROM schedules WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL`);
  const advance = db.prepare(`UPDATE schedules SET next_fire_at = @next, last_fired_at = @tick WHERE ${UNCHANGED} AND state = 'ENABLED'`);
  const enqueue = prepareAsyncEventInsert(db);
  const fire = db.transaction((firing: Parameters<ScheduleRepository['fire']>[0]): boolean => {
    const s = firing.schedule;
    const advanced = advance.run({
      account: s.account, region: s.region, name: s.name, expectedRevision: s.revision, expectedNextFireAt: s.nextFireAt ?? null,
      next: firing.next ?? null, tick: firing.tick,
    });
    if (advanced.changes !== 1) return false;
    if (firing.event) enqueue([firing.event]);
    return true;
  });

  return {
    create(schedule) {
      return Promise.resolve(insert.run(toParams(schedule)).changes === 1);
    },
    get(key) {
      const row = select.get({ account: key.account, region: key.region, name: key.name }) as ScheduleRow | undefined;
      return Promise.resolve(row ? toRecord(row) : undefined);
    },
    list(scope, functionName) {
      const rows = (functionName === undefined ? listAll.all(scope.account, scope.region) : listByFunction.all(scope.account, scope.region, functionName)) as ScheduleRow[];
      return Promise.resolve(rows.map(toRecord));
    },
    replace(next, current) {
      const params = { ...toParams(next), expectedRevision: current.revision, expectedNextFireAt: current.nextFireAt ?? null };
      return Promise.resolve(update.run(params).changes === 1);
    },
    delete(key) {
      return Promise.resolve(remove.run({ account: key.account, region: key.region, name: key.name }).changes === 1);
    },
    due(now, limit) {
      return Promise.resolve((due.all(now, limit) as ScheduleRow[]).map(toRecord));
    },
    nextDueAt() {
      const row = nextDue.get() as { at: number | null };
      return Promise.resolve(row.at ?? undefined);
    },
    fire(firing) {
      return Promise.resolve(fire(firing));
    },
  };
}
