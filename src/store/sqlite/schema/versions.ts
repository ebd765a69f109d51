// Schema for published versions, aliases and provisioned concurrency configs (one
// migration; see ../migrations.ts and docs/versions.md). Published versions are rows of
// function_versions beside $LATEST; `last_version` numbers them, never going back, so a
// deleted version's number is not reused. `source_digest` names the code and settings of
// $LATEST a version was taken from (publishing again with nothing changed returns it).
export const VERSIONS_SCHEMA = `ALTER TABLE functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE function_versions ADD COLUMN source_digest TEXT;
   CREATE TABLE function_aliases (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, alias TEXT NOT NULL,
     function_version TEXT NOT NULL, description TEXT NOT NULL,
     weights TEXT NOT NULL DEFAULT '{}', revision_id TEXT NOT NULL,
     PRIMARY KEY (account, region, name, alias),
     FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
   ) WITHOUT ROWID;
   CREATE TABLE provisioned_concurrency_configs (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
     requested INTEGER NOT NULL, last_modified TEXT NOT NULL,
     PRIMARY KEY (account, region, name, qualifier),
     FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
   ) WITHOUT ROWID;`;
