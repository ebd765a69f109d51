// Metering: one row per invocation (also throttled ones), read back by time range for
// cost reports and charts, and newest first for the invocation list.
export const USAGE_SCHEMA = `
CREATE TABLE usage_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL, region TEXT NOT NULL, function TEXT NOT NULL,
  request_id TEXT NOT NULL, version TEXT NOT NULL, qualifier TEXT, trigger TEXT NOT NULL,
  architecture TEXT NOT NULL,
  start_ms INTEGER NOT NULL, duration_ms REAL NOT NULL, billed_ms INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL, max_memory_mb INTEGER NOT NULL, init_ms REAL,
  start_type TEXT NOT NULL, outcome TEXT NOT NULL,
  request_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL
);
CREATE INDEX usage_records_time ON usage_records (account, region, start_ms);
CREATE INDEX usage_records_function ON usage_records (account, region, function, id);
`;
