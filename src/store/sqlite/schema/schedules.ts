// Schema for the schedules tables (one migration; see ../migrations.ts).
// One row per schedule; `next_fire_at` is the tick to fire next (NULL while disabled or
// when none is left), advanced in the same transaction that enqueues the tick's event.
// No foreign key to functions: a schedule outlives its function, as an EventBridge rule
// outlives its target (docs/schedules.md).
export const SCHEDULES_SCHEMA = `CREATE TABLE schedules (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     expression TEXT NOT NULL, timezone TEXT NOT NULL, state TEXT NOT NULL, description TEXT NOT NULL,
     function_name TEXT NOT NULL, qualifier TEXT, input TEXT,
     anchor_at INTEGER NOT NULL, next_fire_at INTEGER, last_fired_at INTEGER,
     revision TEXT NOT NULL, created_at INTEGER NOT NULL, last_modified INTEGER NOT NULL,
     PRIMARY KEY (account, region, name)
   ) WITHOUT ROWID;
   CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL;
   CREATE INDEX schedules_function ON schedules (account, region, function_name);`;
