// PostgreSQL schema for log lines and the asynchronous invocation queue, mirroring SQLite
// migrations 2 and 3 and the later async_events.trace_header (schema/s3-notifications.ts).
// Group and stream names are COLLATE "C": they are listed in byte order, as on SQLite.
// Expired leases have their own partial index: a lease looks for them on every poll.
export const EVENTS_SCHEMA = `
CREATE TABLE log_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account TEXT NOT NULL, region TEXT NOT NULL,
  log_group TEXT COLLATE "C" NOT NULL, log_stream TEXT COLLATE "C" NOT NULL,
  timestamp BIGINT NOT NULL, request_id TEXT, message TEXT NOT NULL
);
CREATE INDEX log_events_group ON log_events (account, region, log_group, id);
CREATE INDEX log_events_time ON log_events (timestamp);
CREATE TABLE async_events (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT,
  payload BYTEA NOT NULL, source TEXT NOT NULL, created_at BIGINT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0,
  not_before BIGINT NOT NULL, lease_owner TEXT, lease_until BIGINT, last_error TEXT, updated_at BIGINT NOT NULL,
  trace_header TEXT
);
CREATE INDEX async_events_due ON async_events (status, not_before);
CREATE INDEX async_events_function ON async_events (account, region, name, status);
CREATE INDEX async_events_leases ON async_events (lease_until) WHERE status = 'leased';
`;
