// PostgreSQL schema for schedules, mirroring SQLite's (../../sqlite/schema/schedules.ts):
// `next_fire_at` is advanced in the transaction that enqueues the tick's event, and is
// the compare-and-swap that keeps two nodes from firing one tick. Names list in byte order.
export const SCHEDULES_SCHEMA = `
CREATE TABLE schedules (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
  expression TEXT NOT NULL, timezone TEXT NOT NULL, state TEXT NOT NULL, description TEXT NOT NULL,
  function_name TEXT NOT NULL, qualifier TEXT, input TEXT,
  anchor_at BIGINT NOT NULL, next_fire_at BIGINT, last_fired_at BIGINT,
  revision TEXT NOT NULL, created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL,
  PRIMARY KEY (account, region, name)
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL;
CREATE INDEX schedules_function ON schedules (account, region, function_name);
`;
