// PostgreSQL schema of published versions, aliases and provisioned concurrency configs
// (mirrors ../../sqlite/schema/versions.ts). Published versions are function_versions rows
// beside $LATEST; functions.last_version numbers them and never goes back, so a deleted
// number is not reused. version_number is the version as an integer (NULL for $LATEST),
// so versions sort and page by number without casting '$LATEST'. source_digest names the
// code and settings a version was taken from (publishing again unchanged returns it).
export const VERSIONS_SCHEMA = `
ALTER TABLE functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE function_versions ADD COLUMN source_digest TEXT, ADD COLUMN version_number INTEGER;
CREATE INDEX function_versions_number ON function_versions (account, region, name, version_number);
CREATE TABLE function_aliases (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, alias TEXT COLLATE "C" NOT NULL,
  function_version TEXT NOT NULL, description TEXT NOT NULL,
  weights TEXT NOT NULL DEFAULT '{}', revision_id TEXT NOT NULL,
  PRIMARY KEY (account, region, name, alias),
  FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
);
CREATE TABLE provisioned_concurrency_configs (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, qualifier TEXT COLLATE "C" NOT NULL,
  requested INTEGER NOT NULL, last_modified TEXT NOT NULL,
  PRIMARY KEY (account, region, name, qualifier),
  FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
);
`;
