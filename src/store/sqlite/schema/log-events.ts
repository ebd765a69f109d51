// Function logs, one row per line, in CloudWatch's group/stream terms.
export const LOG_EVENTS_SCHEMA = `
CREATE TABLE log_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL, region TEXT NOT NULL,
  log_group TEXT NOT NULL, log_stream TEXT NOT NULL,
  timestamp INTEGER NOT NULL, request_id TEXT, message TEXT NOT NULL
);
CREATE INDEX log_events_group ON log_events (account, region, log_group, id);
CREATE INDEX log_events_time ON log_events (timestamp);
`;
