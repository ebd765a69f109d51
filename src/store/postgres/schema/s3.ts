// Schema for the S3 tables on PostgreSQL (one migration slot; see ../migrations.ts),
// mirroring sqlite/schema/s3.ts and the external-trigger table of
// sqlite/schema/s3-notifications.ts: buckets, objects, multipart uploads and their parts,
// the object-event outbox that bucket notifications drain, and the trigger configuration
// of external S3-compatible stores. Names, keys and ids are COLLATE "C", which compares
// UTF-8 bytes: S3's listing order. Outbox rows carry a lease (claimed_until, epoch ms of
// the database clock) so that the notifiers of several nodes never deliver the same row
// at once; seq is an identity column, so it never goes back after rows are deleted.
// (async_events.trace_header, the other half of the SQLite migration, belongs to the
// events slot.)
export const S3_SCHEMA = `
  CREATE TABLE s3_buckets (
    name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    account TEXT NOT NULL, region TEXT NOT NULL, created_at BIGINT NOT NULL,
    notification TEXT
  );
  CREATE INDEX s3_buckets_account ON s3_buckets (account, name);
  CREATE TABLE s3_objects (
    bucket TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL,
    size BIGINT NOT NULL, etag TEXT NOT NULL, last_modified BIGINT NOT NULL,
    content TEXT NOT NULL, user_metadata TEXT NOT NULL,
    checksum_algorithm TEXT, checksum_value TEXT,
    segments TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  );
  CREATE TABLE s3_uploads (
    upload_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    bucket TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, initiated BIGINT NOT NULL, initiator TEXT NOT NULL,
    content TEXT NOT NULL, user_metadata TEXT NOT NULL, checksum_algorithm TEXT
  );
  CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, upload_id);
  CREATE TABLE s3_parts (
    upload_id TEXT COLLATE "C" NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    size BIGINT NOT NULL, etag TEXT NOT NULL, last_modified BIGINT NOT NULL,
    checksum_algorithm TEXT, checksum_value TEXT, file_id TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  );
  CREATE TABLE s3_object_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account TEXT NOT NULL, region TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL,
    event_name TEXT NOT NULL, event_time BIGINT NOT NULL, size BIGINT, etag TEXT, version_id TEXT,
    source_ip TEXT NOT NULL, principal_id TEXT NOT NULL, request_id TEXT NOT NULL, trace_header TEXT,
    claimed_until BIGINT NOT NULL DEFAULT 0
  );
  CREATE TABLE external_s3_triggers (
    source TEXT COLLATE "C" NOT NULL, bucket TEXT COLLATE "C" NOT NULL,
    account TEXT NOT NULL, region TEXT NOT NULL,
    notifications TEXT NOT NULL, last_modified BIGINT NOT NULL,
    PRIMARY KEY (source, bucket)
  );
`;
