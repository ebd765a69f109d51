// The statements behind S3Repository's writes on PostgreSQL, for use inside a caller's
// transaction. Rows come from the SQLite row mappers (sqlite/s3-rows.ts, pure) and are
// bound positionally in a fixed column order. Several nodes write at once, so a write
// that replaces a row locks it first (FOR UPDATE) and one that finds none inserts with
// ON CONFLICT DO NOTHING, trying again if another node inserted the key meanwhile: the
// row replaced is always the one really replaced. Locks are taken bucket → upload →
// object/part in every transaction, so concurrent writers queue instead of deadlocking.
import type { ObjectEventInput, ObjectRecord, PartRecord } from '../s3-ports.js';
import { eventRow, objectOf, objectRow, partOf, partRow, type ObjectRow, type PartRow } from '../sqlite/s3-rows.js';
import type { Sql } from './database.js';

const OBJECT_COLUMNS = ['bucket', 'key', 'size', 'etag', 'last_modified', 'content', 'user_metadata', 'checksum_algorithm', 'checksum_value', 'segments'] as const;
const PART_COLUMNS = ['upload_id', 'part_number', 'size', 'etag', 'last_modified', 'checksum_algorithm', 'checksum_value', 'file_id'] as const;
export const UPLOAD_COLUMNS = ['upload_id', 'bucket', 'key', 'initiated', 'initiator', 'content', 'user_metadata', 'checksum_algorithm'] as const;
const EVENT_COLUMNS = [
  'account', 'region', 'bucket', 'key', 'event_name', 'event_time', 'size', 'etag', 'version_id', 'source_ip', 'principal_id', 'request_id', 'trace_header',
] as const;

/** The row's values in the columns' order. */
export function valuesOf<C extends string>(row: { readonly [K in C]?: unknown }, columns: readonly C[]): unknown[] {
  return columns.map((c) => row[c]);
}

/** INSERT of every column, $1… in column order (table and columns are constants here). */
export function insertSql(table: string, columns: readonly string[], suffix = ''): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ${suffix}`;
}

function updateSql(table: string, columns: readonly string[], keyCount: number): string {
  const set = columns.slice(keyCount).map((c, i) => `${c} = $${i + keyCount + 1}`);
  const where = columns.slice(0, keyCount).map((c, i) => `${c} = $${i + 1}`);
  return `UPDATE ${table} SET ${set.join(', ')} WHERE ${where.join(' AND ')}`;
}

const OBJECT_INSERT = insertSql('s3_objects', OBJECT_COLUMNS, 'ON CONFLICT DO NOTHING');
const OBJECT_UPDATE = updateSql('s3_objects', OBJECT_COLUMNS, 2);
const PART_INSERT = insertSql('s3_parts', PART_COLUMNS, 'ON CONFLICT DO NOTHING');
const PART_UPDATE = updateSql('s3_parts', PART_COLUMNS, 2);
const EVENT_INSERT = insertSql('s3_object_events', EVENT_COLUMNS);

/**
 * Writes a row in place of the one with its key and returns the one replaced (undefined
 * when there was none): the current row is locked before it is overwritten, and a row
 * another node inserts between our look and our insert is found on the next round.
 */
async function replaceRow<R>(lockCurrent: () => Promise<R | undefined>, insertIfAbsent: () => Promise<boolean>, update: () => Promise<unknown>): Promise<R | undefined> {
  for (;;) {
    const current = await lockCurrent();
    if (current !== undefined) {
      await update();
      return current;
    }
    if (await insertIfAbsent()) return undefined;
  }
}

/** Locks the bucket against deletion for the rest of the transaction; false when it does not exist. */
export async function lockBucket(tx: Sql, name: string): Promise<boolean> {
  return (await tx.row('SELECT 1 FROM s3_buckets WHERE name = $1 FOR KEY SHARE', [name])) !== undefined;
}

/** The object with the key, locked for the rest of the transaction. */
export async function lockObject(tx: Sql, bucket: string, key: string): Promise<ObjectRecord | undefined> {
  const row = await tx.row<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = $1 AND key = $2 FOR UPDATE', [bucket, key]);
  return row ? objectOf(row) : undefined;
}

/** Inserts the object unless its key is taken; false when it is. */
export async function insertObject(tx: Sql, object: ObjectRecord): Promise<boolean> {
  return (await tx.run(OBJECT_INSERT, valuesOf(objectRow(object), OBJECT_COLUMNS))) === 1;
}

/** Overwrites the object already locked by lockObject. */
export async function updateObject(tx: Sql, object: ObjectRecord): Promise<void> {
  await tx.run(OBJECT_UPDATE, valuesOf(objectRow(object), OBJECT_COLUMNS));
}

/** Stores the object whatever holds its key; returns the object replaced. */
export function replaceObject(tx: Sql, object: ObjectRecord): Promise<ObjectRecord | undefined> {
  return replaceRow(() => lockObject(tx, object.bucket, object.key), () => insertObject(tx, object), () => updateObject(tx, object));
}

/** Stores the part whatever holds its number; returns the part replaced. */
export function replacePart(tx: Sql, part: PartRecord): Promise<PartRecord | undefined> {
  return replaceRow(
    async () => {
      const row = await tx.row<PartRow>('SELECT * FROM s3_parts WHERE upload_id = $1 AND part_number = $2 FOR UPDATE', [part.uploadId, part.partNumber]);
      return row ? partOf(row) : undefined;
    },
    async () => (await tx.run(PART_INSERT, valuesOf(partRow(part), PART_COLUMNS))) === 1,
    () => tx.run(PART_UPDATE, valuesOf(partRow(part), PART_COLUMNS)),
  );
}

/** Appends the event to the outbox; its seq (and so its sequencer) is the next of the identity. */
export async function insertEvent(tx: Sql, event: ObjectEventInput): Promise<void> {
  await tx.run(EVENT_INSERT, valuesOf(eventRow(event), EVENT_COLUMNS));
}
