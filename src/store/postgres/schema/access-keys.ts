// PostgreSQL schema for access keys and the platform's own secret, mirroring
// ../../sqlite/schema/access-keys.ts. `platform_secrets` is shared by every cluster node:
// the first INSERT … ON CONFLICT DO NOTHING wins and every node reads the winner's value.
export const ACCESS_KEYS_SCHEMA = `
CREATE TABLE access_keys (
  access_key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  account TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
  created_at BIGINT NOT NULL, last_used_at BIGINT
);
CREATE INDEX access_keys_account ON access_keys (account, created_at);
CREATE TABLE platform_secrets (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
`;
