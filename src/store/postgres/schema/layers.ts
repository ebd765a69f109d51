// PostgreSQL schema for Lambda layers, mirroring ../../sqlite/schema/layers.ts: `layers`
// keeps the last version number of each name (so numbers are never reused after deletes,
// and bumping it is the atomic allocation two publishing nodes contend on);
// `layer_versions` one immutable row per version. A deleted version keeps its row
// (deleted = 1), hidden from the API: functions configured with it still run it, so its
// zip must stay referenced for garbage collection. Names sort bytewise (COLLATE "C").
export const LAYERS_SCHEMA = `
CREATE TABLE layers (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL,
  last_version INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
);
CREATE TABLE layer_versions (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL,
  description TEXT NOT NULL, compatible_runtimes TEXT NOT NULL, compatible_architectures TEXT NOT NULL,
  license_info TEXT, code_sha256 TEXT NOT NULL, code_blob_key TEXT NOT NULL, code_size BIGINT NOT NULL,
  unzipped_size BIGINT NOT NULL, created_date TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, region, name, version),
  FOREIGN KEY (account, region, name) REFERENCES layers (account, region, name)
);
`;
