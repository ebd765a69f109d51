// S3Repository on PostgreSQL, shared by every node of a cluster. Each object change and
// its outbox event are one transaction; writes lock what they depend on (s3-writes.ts),
// so conditional writes (If-Match, If-None-Match) hold across nodes, a bucket cannot be
// deleted under a write that found it, and a part cannot change under the completion
// that chose it. Keys are COLLATE "C" (UTF-8 byte order, S3's). A key scan takes one
// inclusive lower bound, the largest of the prefix, `atLeast` and the key after `after`
// (keys never hold U+0000, so `after || chr(1)` is the smallest key above `after`), as on
// SQLite (sqlite/s3-repository.ts, the reference behaviour).
import type { BucketRecord, CompleteOutcome, NotificationConfigRecord, PartRecord, S3Repository } from '../s3-ports.js';
import { objectOf, partOf, uploadOf, uploadRow, type ObjectRow, type PartRow, type UploadRow } from '../sqlite/s3-rows.js';
import { keyCeiling } from '../../objects/key-order.js';
import type { Pg, Sql } from './database.js';
import { createPostgresBucketNotificationSource, createPostgresObjectEventOutbox } from './s3-outbox.js';
import { UPLOAD_COLUMNS, insertEvent, insertObject, insertSql, lockBucket, lockObject, replaceObject, replacePart, updateObject, valuesOf } from './s3-writes.js';

interface BucketRow { name: string; account: string; region: string; created_at: number; notification: string | null }

const bucketOf = (row: BucketRow): BucketRecord => ({ name: row.name, account: row.account, region: row.region, createdAt: row.created_at });

const LOWER_BOUND = `key >= GREATEST($2::text COLLATE "C", COALESCE($3::text, '') COLLATE "C", COALESCE($4::text || chr(1), '') COLLATE "C")`;
const SCAN = `SELECT * FROM s3_objects WHERE bucket = $1 AND ${LOWER_BOUND} ORDER BY key COLLATE "C" LIMIT $5`;
const SCAN_BELOW = `SELECT * FROM s3_objects WHERE bucket = $1 AND ${LOWER_BOUND} AND key < $6::text COLLATE "C" ORDER BY key COLLATE "C" LIMIT $5`;
const UPLOADS = `SELECT * FROM s3_uploads WHERE bucket = $1 AND key >= $2::text AND ($3::text IS NULL OR key < $3::text)
  AND ($4::text IS NULL OR key > $4::text OR (key = $4::text AND $5::text IS NOT NULL AND upload_id > $5::text))
  ORDER BY key COLLATE "C", upload_id COLLATE "C" LIMIT $6`;
const UPLOAD_INSERT = insertSql('s3_uploads', UPLOAD_COLUMNS, 'ON CONFLICT DO NOTHING');

/** The upload, locked against parts and completions for the rest of the transaction. */
async function lockUpload(tx: Sql, uploadId: string): Promise<boolean> {
  return (await tx.row('SELECT 1 FROM s3_uploads WHERE upload_id = $1 FOR UPDATE', [uploadId])) !== undefined;
}

async function partsOf(tx: Sql, uploadId: string): Promise<PartRecord[]> {
  return (await tx.rows<PartRow>('SELECT * FROM s3_parts WHERE upload_id = $1 ORDER BY part_number', [uploadId])).map(partOf);
}

/** Inserts the bucket unless its name is taken, then returns the holder of the name. */
async function createBucket(db: Pg, bucket: BucketRecord): Promise<'created' | BucketRecord> {
  const inserted = await db.run('INSERT INTO s3_buckets (name, account, region, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [bucket.name, bucket.account, bucket.region, bucket.createdAt]);
  if (inserted === 1) return 'created';
  const holder = await db.row<BucketRow>('SELECT * FROM s3_buckets WHERE name = $1', [bucket.name]);
  // Deleted by another node between the two statements: the name is free again.
  return holder ? bucketOf(holder) : createBucket(db, bucket);
}

export function createPostgresS3Repository(db: Pg): S3Repository {
  return {
    createBucket: (bucket) => createBucket(db, bucket),
    async getBucket(name) {
      const row = await db.row<BucketRow>('SELECT * FROM s3_buckets WHERE name = $1', [name]);
      return row ? bucketOf(row) : undefined;
    },
    async listBuckets(account) {
      return (await db.rows<BucketRow>('SELECT * FROM s3_buckets WHERE account = $1 ORDER BY name COLLATE "C"', [account])).map(bucketOf);
    },
    deleteBucket(name) {
      return db.transaction(async (tx) => {
        if (!(await tx.row('SELECT 1 FROM s3_buckets WHERE name = $1 FOR UPDATE', [name]))) return { outcome: 'missing' as const, parts: [] };
        if (await tx.row('SELECT 1 FROM s3_objects WHERE bucket = $1 LIMIT 1', [name])) return { outcome: 'not-empty' as const, parts: [] };
        // Lock the uploads first, so a part being stored now is either read here or refused.
        await tx.run('SELECT 1 FROM s3_uploads WHERE bucket = $1 FOR UPDATE', [name]);
        const parts = await tx.rows<PartRow>(
          'SELECT p.* FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = $1 ORDER BY p.upload_id, p.part_number', [name],
        );
        await tx.run('DELETE FROM s3_uploads WHERE bucket = $1', [name]);
        await tx.run('DELETE FROM s3_buckets WHERE name = $1', [name]);
        return { outcome: 'deleted' as const, parts: parts.map(partOf) };
      });
    },
    async getNotification(bucket) {
      const row = await db.row<{ notification: string | null }>('SELECT notification FROM s3_buckets WHERE name = $1', [bucket]);
      return row?.notification ? (JSON.parse(row.notification) as NotificationConfigRecord) : undefined;
    },
    async putNotification(bucket, config) {
      return (await db.run('UPDATE s3_buckets SET notification = $1 WHERE name = $2', [config === undefined ? null : JSON.stringify(config), bucket])) === 1;
    },

    async getObject(bucket, key) {
      const row = await db.row<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = $1 AND key = $2', [bucket, key]);
      return row ? objectOf(row) : undefined;
    },
    putObject(object, event, condition) {
      return db.transaction(async (tx) => {
        if (!(await lockBucket(tx, object.bucket))) return { ok: false as const, reason: 'no-bucket' as const };
        const current = await lockObject(tx, object.bucket, object.key);
        if (condition?.absent && current) return { ok: false as const, reason: 'condition' as const };
        if (condition?.etag !== undefined && current?.etag !== condition.etag) return { ok: false as const, reason: 'condition' as const };
        let replaced = current;
        if (current) await updateObject(tx, object);
        else if (!(await insertObject(tx, object))) {
          // Another node created the key since we looked.
          if (condition?.absent) return { ok: false as const, reason: 'condition' as const };
          replaced = await replaceObject(tx, object);
        }
        await insertEvent(tx, event);
        return { ok: true as const, replaced };
      });
    },
    deleteObjects(bucket, keys, event) {
      return db.transaction(async (tx) => {
        const rows = await tx.rows<ObjectRow>('DELETE FROM s3_objects WHERE bucket = $1 AND key = ANY($2::text[]) RETURNING *', [bucket, keys]);
        const byKey = new Map(rows.map((row) => [row.key, objectOf(row)]));
        const deleted = [...new Set(keys)].flatMap((key) => byKey.get(key) ?? []);
        for (const object of deleted) await insertEvent(tx, event(object.key));
        return deleted;
      });
    },
    async scanObjects(bucket, scan) {
      const upper = keyCeiling(scan.prefix);
      const params = [bucket, scan.prefix, scan.atLeast ?? null, scan.after ?? null, scan.limit];
      const rows = upper === undefined ? await db.rows<ObjectRow>(SCAN, params) : await db.rows<ObjectRow>(SCAN_BELOW, [...params, upper]);
      return rows.map(objectOf);
    },

    async createUpload(upload) {
      return (await db.run(UPLOAD_INSERT, valuesOf(uploadRow(upload), UPLOAD_COLUMNS))) === 1;
    },
    async getUpload(uploadId) {
      const row = await db.row<UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = $1', [uploadId]);
      return row ? uploadOf(row) : undefined;
    },
    putPart(part) {
      return db.transaction(async (tx) => {
        // A shared lock: parts of one upload are stored in parallel, but not during its completion or abort.
        if (!(await tx.row('SELECT 1 FROM s3_uploads WHERE upload_id = $1 FOR KEY SHARE', [part.uploadId]))) return { ok: false, replaced: undefined };
        return { ok: true, replaced: await replacePart(tx, part) };
      });
    },
    async listParts(uploadId, afterPart, limit) {
      const rows = await db.rows<PartRow>('SELECT * FROM s3_parts WHERE upload_id = $1 AND part_number > $2 ORDER BY part_number LIMIT $3', [uploadId, afterPart, limit]);
      return rows.map(partOf);
    },
    async scanUploads(bucket, scan) {
      const rows = await db.rows<UploadRow>(UPLOADS, [bucket, scan.prefix, keyCeiling(scan.prefix) ?? null, scan.keyMarker ?? null, scan.uploadIdMarker ?? null, scan.limit]);
      return rows.map(uploadOf);
    },
    completeUpload(uploadId, object, event) {
      return db.transaction(async (tx): Promise<CompleteOutcome> => {
        await lockBucket(tx, object.bucket);
        if (!(await lockUpload(tx, uploadId))) return { ok: false, reason: 'no-upload' };
        const parts = await partsOf(tx, uploadId);
        const chosen = new Set(object.segments.map((seg) => seg.fileId));
        const current = new Set(parts.map((p) => p.fileId));
        // A part re-uploaded since the caller read the list: its old file is being deleted.
        if ([...chosen].some((fileId) => !current.has(fileId))) return { ok: false, reason: 'parts-changed' };
        await tx.run('DELETE FROM s3_uploads WHERE upload_id = $1', [uploadId]);
        const replaced = await replaceObject(tx, object);
        await insertEvent(tx, event);
        return { ok: true, replaced, unusedParts: parts.filter((p) => !chosen.has(p.fileId)) };
      });
    },
    abortUpload(uploadId) {
      return db.transaction(async (tx) => {
        if (!(await lockUpload(tx, uploadId))) return undefined;
        const parts = await partsOf(tx, uploadId);
        await tx.run('DELETE FROM s3_uploads WHERE upload_id = $1', [uploadId]);
        return parts;
      });
    },

    async referencedFiles() {
      const rows = await db.rows<{ file_id: string }>(
        `SELECT segment->>0 AS file_id FROM s3_objects, json_array_elements(segments::json) AS segment
         UNION SELECT file_id FROM s3_parts`,
      );
      return new Set(rows.map((row) => row.file_id));
    },

    outbox: createPostgresObjectEventOutbox(db),
    notifications: createPostgresBucketNotificationSource(db),
  };
}
