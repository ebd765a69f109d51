// PostgreSQL schema for metering, mirroring SQLite's (../../sqlite/schema/usage.ts): one
// row per invocation. Durations are DOUBLE PRECISION (SQLite's REAL is 8 bytes; PG's is 4).
export const USAGE_SCHEMA = `
CREATE TABLE usage_records (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account TEXT NOT NULL, region TEXT NOT NULL, function TEXT COLLATE "C" NOT NULL,
  request_id TEXT NOT NULL, version TEXT NOT NULL, qualifier TEXT, trigger TEXT NOT NULL,
  architecture TEXT NOT NULL,
  start_ms BIGINT NOT NULL, duration_ms DOUBLE PRECISION NOT NULL, billed_ms BIGINT NOT NULL,
  memory_mb INTEGER NOT NULL, max_memory_mb INTEGER NOT NULL, init_ms DOUBLE PRECISION,
  start_type TEXT NOT NULL, outcome TEXT NOT NULL,
  request_bytes BIGINT NOT NULL, response_bytes BIGINT NOT NULL
);
CREATE INDEX usage_records_time ON usage_records (account, region, start_ms);
CREATE INDEX usage_records_function ON usage_records (account, region, function, id);
`;
