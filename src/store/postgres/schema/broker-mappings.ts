// PostgreSQL schema for the broker mappings, mirroring ../../sqlite/schema/broker-mappings.ts.
// `seq` keeps creation order; flags stay INTEGER 0/1 so the SQLite row mapper reads these rows.
export const BROKER_MAPPINGS_SCHEMA = `
CREATE TABLE broker_mappings (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL, region TEXT NOT NULL, kind TEXT NOT NULL, source_config TEXT NOT NULL,
  function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
  batch_size INTEGER NOT NULL, maximum_batching_window INTEGER NOT NULL, maximum_retry_attempts INTEGER NOT NULL,
  bisect_on_error INTEGER NOT NULL, on_failure TEXT, enabled INTEGER NOT NULL, state TEXT NOT NULL,
  last_processing_result TEXT NOT NULL, last_error TEXT,
  revision BIGINT NOT NULL, created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL
);
CREATE INDEX broker_mappings_scope ON broker_mappings (account, region, seq);
`;
