// Schema for the S3 tables (one migration; see ../migrations.ts): buckets, objects,
// multipart uploads and their parts, and the object-event outbox that bucket
// notifications drain. Keys are TEXT in the BINARY collation, which compares UTF-8
// bytes: S3's listing order.
export const S3_SCHEMA = `
  CREATE TABLE s3_buckets (
    name TEXT NOT NULL PRIMARY KEY,
    account TEXT NOT NULL, region TEXT NOT NULL, created_at INTEGER NOT NULL,
    notification TEXT
  ) WITHOUT ROWID;
  CREATE INDEX s3_buckets_account ON s3_buckets (account, name);
  CREATE TABLE s3_objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL,
    size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
    content TEXT NOT NULL, user_metadata TEXT NOT NULL,
    checksum_algorithm TEXT, checksum_value TEXT,
    segments TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE s3_uploads (
    upload_id TEXT NOT NULL PRIMARY KEY,
    bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL, initiator TEXT NOT NULL,
    content TEXT NOT NULL, user_metadata TEXT NOT NULL, checksum_algorithm TEXT
  ) WITHOUT ROWID;
  CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, upload_id);
  CREATE TABLE s3_parts (
    upload_id TEXT NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
    checksum_algorithm TEXT, checksum_value TEXT, file_id TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  ) WITHOUT ROWID;
  CREATE TABLE s3_object_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL, region TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL,
    event_name TEXT NOT NULL, event_time INTEGER NOT NULL, size INTEGER, etag TEXT, version_id TEXT,
    source_ip TEXT NOT NULL, principal_id TEXT NOT NULL, request_id TEXT NOT NULL, trace_header TEXT
  );
`;
