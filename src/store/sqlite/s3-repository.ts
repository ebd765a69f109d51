// S3Repository on SQLite. Each object change and its outbox event are one transaction
// (better-sqlite3 runs a transaction synchronously, so nothing interleaves with it).
// Key scans take one inclusive lower bound, the largest of the prefix, `atLeast` and
// the key after `after` (keys never hold U+0000, so `after || char(1)` is the smallest
// key above `after`), so SQLite seeks the primary key straight to it.
import type { CompleteOutcome, ObjectRecord, PartRecord, S3Repository } from '../s3-ports.js';
import type { Db } from './database.js';
import { createSqliteBucketNotificationSource, createSqliteObjectEventOutbox } from './s3-outbox.js';
import { eventRow, objectOf, objectRow, partOf, partRow, uploadOf, uploadRow, type ObjectRow, type PartRow, type UploadRow } from './s3-rows.js';
import { keyCeiling } from '../../objects/key-order.js';

interface BucketRow { name: string; account: string; region: string; created_at: number; notification: string | null }

const LOWER_BOUND = "key >= max(@prefix, coalesce(@atLeast, ''), coalesce(@after || char(1), ''))";

export function createSqliteS3Repository(db: Db): S3Repository {
  const bucketOf = (row: BucketRow): { name: string; account: string; region: string; createdAt: number } =>
    ({ name: row.name, account: row.account, region: row.region, createdAt: row.created_at });
  const s = {
    insertBucket: db.prepare('INSERT INTO s3_buckets (name, account, region, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    bucket: db.prepare('SELECT * FROM s3_buckets WHERE name = ?'),
    buckets: db.prepare('SELECT * FROM s3_buckets WHERE account = ? ORDER BY name'),
    deleteBucket: db.prepare('DELETE FROM s3_buckets WHERE name = ?'),
    anyObject: db.prepare('SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1'),
    bucketParts: db.prepare('SELECT p.* FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?'),
    deleteBucketUploads: db.prepare('DELETE FROM s3_uploads WHERE bucket = ?'),
    notification: db.prepare('SELECT notification FROM s3_buckets WHERE name = ?'),
    setNotification: db.prepare('UPDATE s3_buckets SET notification = ? WHERE name = ?'),
    object: db.prepare('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?'),
    upsertObject: db.prepare(`INSERT OR REPLACE INTO s3_objects
      (bucket, key, size, etag, last_modified, content, user_metadata, checksum_algorithm, checksum_value, segments)
      VALUES (@bucket, @key, @size, @etag, @last_modified, @content, @user_metadata, @checksum_algorithm, @checksum_value, @segments)`),
    deleteObject: db.prepare('DELETE FROM s3_objects WHERE bucket = ? AND key = ?'),
    scan: db.prepare(`SELECT * FROM s3_objects WHERE bucket = @bucket AND ${LOWER_BOUND} ORDER BY key LIMIT @limit`),
    scanBelow: db.prepare(`SELECT * FROM s3_objects WHERE bucket = @bucket AND ${LOWER_BOUND} AND key < @upper ORDER BY key LIMIT @limit`),
    event: db.prepare(`INSERT INTO s3_object_events
      (account, region, bucket, key, event_name, event_time, size, etag, version_id, source_ip, principal_id, request_id, trace_header)
      VALUES (@account, @region, @bucket, @key, @event_name, @event_time, @size, @etag, @version_id, @source_ip, @principal_id, @request_id, @trace_header)`),
    insertUpload: db.prepare(`INSERT INTO s3_uploads (upload_id, bucket, key, initiated, initiator, content, user_metadata, checksum_algorithm)
      VALUES (@upload_id, @bucket, @key, @initiated, @initiator, @content, @user_metadata, @checksum_algorithm) ON CONFLICT DO NOTHING`),
    upload: db.prepare('SELECT * FROM s3_uploads WHERE upload_id = ?'),
    deleteUpload: db.prepare('DELETE FROM s3_uploads WHERE upload_id = ?'),
    part: db.prepare('SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?'),
    upsertPart: db.prepare(`INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, last_modified, checksum_algorithm, checksum_value, file_id)
      VALUES (@upload_id, @part_number, @size, @etag, @last_modified, @checksum_algorithm, @checksum_value, @file_id)`),
    parts: db.prepare('SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?'),
    allParts: db.prepare('SELECT * FROM s3_parts WHERE upload_id = ?'),
    uploads: db.prepare(`SELECT * FROM s3_uploads WHERE bucket = @bucket AND key >= @prefix AND (@upper IS NULL OR key < @upper)
      AND (@keyMarker IS NULL OR key > @keyMarker OR (key = @keyMarker AND @uploadIdMarker IS NOT NULL AND upload_id > @uploadIdMarker))
      ORDER BY key, upload_id LIMIT @limit`),
    objectSegments: db.prepare('SELECT segments FROM s3_objects'),
    partFiles: db.prepare('SELECT file_id FROM s3_parts'),
  };

  const getObject = (bucket: string, key: string): ObjectRecord | undefined => {
    const row = s.object.get(bucket, key) as ObjectRow | undefined;
    return row ? objectOf(row) : undefined;
  };

  const deleteBucket = db.transaction((name: string) => {
    if (!s.bucket.get(name)) return { outcome: 'missing' as const, parts: [] };
    if (s.anyObject.get(name)) return { outcome: 'not-empty' as const, parts: [] };
    const parts = (s.bucketParts.all(name) as PartRow[]).map(partOf);
    s.deleteBucketUploads.run(name);
    s.deleteBucket.run(name);
    return { outcome: 'deleted' as const, parts };
  });

  const putObject = db.transaction((object: ObjectRecord, event: Parameters<S3Repository['putObject']>[1], condition: Parameters<S3Repository['putObject']>[2]) => {
    if (!s.bucket.get(object.bucket)) return { ok: false as const, reason: 'no-bucket' as const };
    const current = getObject(object.bucket, object.key);
    if (condition?.absent && current) return { ok: false as const, reason: 'condition' as const };
    if (condition?.etag !== undefined && current?.etag !== condition.etag) return { ok: false as const, reason: 'condition' as const };
    s.upsertObject.run(objectRow(object));
    s.event.run(eventRow(event));
    return { ok: true as const, replaced: current };
  });

  const deleteObjects = db.transaction((bucket: string, keys: readonly string[], event: Parameters<S3Repository['deleteObjects']>[2]) => {
    const deleted: ObjectRecord[] = [];
    for (const key of keys) {
      const current = getObject(bucket, key);
      if (!current) continue;
      s.deleteObject.run(bucket, key);
      s.event.run(eventRow(event(key)));
      deleted.push(current);
    }
    return deleted;
  });

  const putPart = db.transaction((part: PartRecord) => {
    if (!s.upload.get(part.uploadId)) return { ok: false, replaced: undefined };
    const old = s.part.get(part.uploadId, part.partNumber) as PartRow | undefined;
    s.upsertPart.run(partRow(part));
    return { ok: true, replaced: old ? partOf(old) : undefined };
  });

  const completeUpload = db.transaction((uploadId: string, object: ObjectRecord, event: Parameters<S3Repository['completeUpload']>[2]): CompleteOutcome => {
    if (!s.upload.get(uploadId)) return { ok: false, reason: 'no-upload' };
    const parts = (s.allParts.all(uploadId) as PartRow[]).map(partOf);
    const chosen = new Set(object.segments.map((seg) => seg.fileId));
    const current = new Set(parts.map((p) => p.fileId));
    // A part re-uploaded since the caller read the list: its old file is being deleted.
    if ([...chosen].some((fileId) => !current.has(fileId))) return { ok: false, reason: 'parts-changed' };
    const replaced = getObject(object.bucket, object.key);
    s.deleteUpload.run(uploadId);
    s.upsertObject.run(objectRow(object));
    s.event.run(eventRow(event));
    return { ok: true, replaced, unusedParts: parts.filter((p) => !chosen.has(p.fileId)) };
  });

  const abortUpload = db.transaction((uploadId: string) => {
    if (!s.upload.get(uploadId)) return undefined;
    const parts = (s.allParts.all(uploadId) as PartRow[]).map(partOf);
    s.deleteUpload.run(uploadId);
    return parts;
  });

  return {
    createBucket(bucket) {
      const inserted = s.insertBucket.run(bucket.name, bucket.account, bucket.region, bucket.createdAt).changes === 1;
      return Promise.resolve(inserted ? 'created' : bucketOf(s.bucket.get(bucket.name) as BucketRow));
    },
    getBucket(name) {
      const row = s.bucket.get(name) as BucketRow | undefined;
      return Promise.resolve(row ? bucketOf(row) : undefined);
    },
    listBuckets(account) {
      return Promise.resolve((s.buckets.all(account) as BucketRow[]).map(bucketOf));
    },
    deleteBucket(name) {
      return Promise.resolve(deleteBucket(name));
    },
    getNotification(bucket) {
      const row = s.notification.get(bucket) as { notification: string | null } | undefined;
      return Promise.resolve(row?.notification ? JSON.parse(row.notification) : undefined);
    },
    putNotification(bucket, config) {
      return Promise.resolve(s.setNotification.run(config === undefined ? null : JSON.stringify(config), bucket).changes === 1);
    },
    getObject(bucket, key) {
      return Promise.resolve(getObject(bucket, key));
    },
    putObject(object, event, condition) {
      return Promise.resolve(putObject(object, event, condition));
    },
    deleteObjects(bucket, keys, event) {
      return Promise.resolve(deleteObjects(bucket, keys, event));
    },
    scanObjects(bucket, scan) {
      const upper = keyCeiling(scan.prefix);
      const params = { bucket, prefix: scan.prefix, atLeast: scan.atLeast ?? null, after: scan.after ?? null, limit: scan.limit, upper };
      const rows = (upper === undefined ? s.scan.all(params) : s.scanBelow.all(params)) as ObjectRow[];
      return Promise.resolve(rows.map(objectOf));
    },
    createUpload(upload) {
      return Promise.resolve(s.insertUpload.run(uploadRow(upload)).changes === 1);
    },
    getUpload(uploadId) {
      const row = s.upload.get(uploadId) as UploadRow | undefined;
      return Promise.resolve(row ? uploadOf(row) : undefined);
    },
    putPart(part) {
      return Promise.resolve(putPart(part));
    },
    listParts(uploadId, afterPart, limit) {
      return Promise.resolve((s.parts.all(uploadId, afterPart, limit) as PartRow[]).map(partOf));
    },
    scanUploads(bucket, scan) {
      const rows = s.uploads.all({
        bucket, prefix: scan.prefix, upper: keyCeiling(scan.prefix) ?? null, keyMarker: scan.keyMarker ?? null,
        uploadIdMarker: scan.uploadIdMarker ?? null, limit: scan.limit,
      }) as UploadRow[];
      return Promise.resolve(rows.map(uploadOf));
    },
    completeUpload(uploadId, object, event) {
      return Promise.resolve(completeUpload(uploadId, object, event));
    },
    abortUpload(uploadId) {
      return Promise.resolve(abortUpload(uploadId));
    },
    referencedFiles() {
      const files = new Set<string>();
      for (const row of s.objectSegments.iterate() as Iterable<{ segments: string }>) {
        for (const [fileId] of JSON.parse(row.segments) as [string, number][]) files.add(fileId);
      }
      for (const row of s.partFiles.iterate() as Iterable<{ file_id: string }>) files.add(row.file_id);
      return Promise.resolve(files);
    },
    outbox: createSqliteObjectEventOutbox(db),
    notifications: createSqliteBucketNotificationSource(db),
  };
}
