// Access keys (access-key-ports.ts) and the platform's own secret. Secrets are stored as
// given: SigV4 verification needs the secret itself. `platform_secrets` holds named
// secrets made once (get-or-create); `platform` is the one that signs dashboard sessions
// and derives function credentials.
export const ACCESS_KEYS_SCHEMA = `
  CREATE TABLE access_keys (
    access_key_id TEXT NOT NULL PRIMARY KEY,
    secret_access_key TEXT NOT NULL,
    account TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
    created_at INTEGER NOT NULL, last_used_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX access_keys_account ON access_keys (account, created_at);
  CREATE TABLE platform_secrets (
    name TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
`;
