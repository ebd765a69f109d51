// PostgreSQL schema of functions and what hangs off them (SQLite migrations 1, 3's event
// invoke configs, 4 and 5): functions and their version rows ($LATEST is one), event
// invoke configs, function URL configs and the HTTP route table of each account and
// region. Names and qualifiers sort bytewise (COLLATE "C"), as they do in SQLite; JSON
// stays TEXT so records round-trip exactly.
export const CORE_SCHEMA = `
CREATE TABLE functions (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  reserved_concurrency INTEGER,
  PRIMARY KEY (account, region, name)
);
CREATE TABLE function_versions (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, version TEXT NOT NULL,
  settings TEXT NOT NULL,
  code_sha256 TEXT NOT NULL, code_blob_key TEXT NOT NULL, code_size BIGINT NOT NULL,
  revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
  state TEXT NOT NULL, state_reason TEXT, state_reason_code TEXT,
  last_update_status TEXT NOT NULL, last_update_status_reason TEXT, last_update_status_reason_code TEXT,
  PRIMARY KEY (account, region, name, version),
  FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
);
CREATE INDEX function_versions_state ON function_versions (state, last_update_status);
CREATE TABLE event_invoke_configs (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, qualifier TEXT COLLATE "C" NOT NULL,
  maximum_retry_attempts INTEGER, maximum_event_age INTEGER, on_success TEXT, on_failure TEXT,
  last_modified BIGINT NOT NULL,
  PRIMARY KEY (account, region, name, qualifier),
  FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
);
CREATE TABLE function_urls (
  url_id TEXT NOT NULL PRIMARY KEY,
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, qualifier TEXT COLLATE "C" NOT NULL,
  auth_type TEXT NOT NULL, cors TEXT, invoke_mode TEXT NOT NULL,
  created_at BIGINT NOT NULL, last_modified BIGINT NOT NULL,
  UNIQUE (account, region, name, qualifier),
  FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
);
CREATE TABLE http_route_tables (
  account TEXT NOT NULL, region TEXT NOT NULL,
  document TEXT NOT NULL, revision TEXT NOT NULL, last_modified BIGINT NOT NULL,
  PRIMARY KEY (account, region)
);
`;
