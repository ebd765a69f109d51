// Schema for bucket notification delivery (one migration; see ../migrations.ts):
// - async_events.trace_header: the X-Amzn-Trace-Id an async invocation runs under, whose
//   Lineage the recursion guard reads. Nullable, so inserts that do not name it keep working.
// - external_s3_triggers: the trigger configuration of buckets in external S3-compatible
//   stores (MinIO), per source and bucket; `notifications` is the parsed
//   LambdaFunctionConfigurations as JSON. Function ARNs in it carry their own account and
//   region; account/region here are those of whoever configured it (the events' awsRegion).
export const S3_NOTIFICATIONS_SCHEMA = `
  ALTER TABLE async_events ADD COLUMN trace_header TEXT;
  CREATE TABLE external_s3_triggers (
    source TEXT NOT NULL, bucket TEXT NOT NULL,
    account TEXT NOT NULL, region TEXT NOT NULL,
    notifications TEXT NOT NULL, last_modified INTEGER NOT NULL,
    PRIMARY KEY (source, bucket)
  ) WITHOUT ROWID;
`;
