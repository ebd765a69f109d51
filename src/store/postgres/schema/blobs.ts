// PostgreSQL schema slot (blobs): the bytes every node must read in cluster mode.
// code_blobs holds function code zips by hex SHA-256 (pg-blob-store.ts). Object data
// (pg-object-data-store.ts) is one object_files row per write plus its bytes in
// object_chunks rows of at most 1 MiB, so reads and writes stream chunk by chunk. A file
// is readable only once `complete`; `deleted_at` is a tombstone that keeps the chunks a
// moment for readers already streaming; `written_at` (database clock, epoch ms) is the
// last progress of the write, which the start-up sweep compares with its grace period.
// Chunks are stored EXTERNAL (uncompressed, out of line) so a ranged read's substring
// fetches only the bytes it needs.
export const BLOBS_SCHEMA = `
CREATE TABLE code_blobs (
  key TEXT COLLATE "C" PRIMARY KEY,
  bytes BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
ALTER TABLE code_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;

CREATE TABLE object_files (
  file_id TEXT COLLATE "C" PRIMARY KEY,
  complete BOOLEAN NOT NULL DEFAULT FALSE,
  size BIGINT,
  digests TEXT,
  created_at BIGINT NOT NULL,
  written_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE INDEX object_files_written ON object_files (written_at);
CREATE INDEX object_files_deleted ON object_files (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE object_chunks (
  file_id TEXT COLLATE "C" NOT NULL REFERENCES object_files (file_id) ON DELETE CASCADE,
  chunk INTEGER NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (file_id, chunk)
);
ALTER TABLE object_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
`;
