// ObjectDataStore in PostgreSQL (cluster mode): every node reads every object's bytes.
// A write is an object_files row plus 1 MiB object_chunks rows, each chunk committed as
// it arrives (a slow upload holds no transaction and no pooled connection between
// chunks, and never the whole object in memory); the row turns `complete` only after
// the size limit, digests and verify() pass, and only a complete file is readable. A
// read fetches just the chunks (and bytes, by substring) its range needs, one at a time.
//
// The file-system store's promises, kept across nodes:
// - "A reader that opened a file keeps its bytes even if it is deleted meanwhile": delete
//   is a tombstone (unreadable at once) whose chunks stay `deletedGraceMs` for streams
//   already running, then the next delete or sweep purges them.
// - "Start-up sweeps every file no object refers to": on one machine the sweep runs
//   before anything writes. In a cluster another node may have just written a file whose
//   object metadata it has not committed yet (write, then commit), or be mid-way through
//   a write; removing that file would lose an acknowledged object. So the sweep removes
//   only unreferenced files whose write made no progress for `sweepGraceMs` (an hour by
//   default, far longer than any write-then-commit), on the database's clock so nodes'
//   clocks need not agree. Interrupted writes go the same way.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pg } from '../postgres/database.js';
import type { DataSegment, DataWriteOptions, DigestName, ObjectDataStore, WrittenData } from '../s3-ports.js';
import { createDigest } from './object-digests.js';

/** Bytes per object_chunks row; fixed, as readers locate a byte by it. */
export const OBJECT_CHUNK_BYTES = 1 << 20;

export interface PgObjectDataOptions {
  /** An unreferenced file is swept only when its write made no progress for this long. */
  readonly sweepGraceMs?: number;
  /** A deleted file's chunks stay this long for reads already streaming it. */
  readonly deletedGraceMs?: number;
}

const FILE_ID = /^[0-9a-f]{32}$/;
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

function checked(fileId: string): string {
  if (!FILE_ID.test(fileId)) throw new Error(`not an object data file id: ${fileId}`);
  return fileId;
}

export function createPgObjectDataStore(db: Pg, options: PgObjectDataOptions = {}): ObjectDataStore {
  const sweepGraceMs = options.sweepGraceMs ?? 60 * 60_000;
  const deletedGraceMs = options.deletedGraceMs ?? 10 * 60_000;

  async function storeChunk(fileId: string, chunk: number, bytes: Buffer): Promise<void> {
    await db.run(
      `WITH progress AS (UPDATE object_files SET written_at = ${NOW_MS} WHERE file_id = $1)
       INSERT INTO object_chunks (file_id, chunk, bytes) VALUES ($1, $2, $3)`,
      [fileId, chunk, bytes],
    );
  }

  async function write(source: Readable, options: DataWriteOptions): Promise<WrittenData> {
    const fileId = randomBytes(16).toString('hex');
    const digests = new Map<DigestName, ReturnType<typeof createDigest>>(options.digests.map((name) => [name, createDigest(name)]));
    await db.run(`INSERT INTO object_files (file_id, created_at, written_at) VALUES ($1, ${NOW_MS}, ${NOW_MS})`, [fileId]);
    let size = 0;
    let chunks = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    try {
      for await (const piece of source as AsyncIterable<Buffer>) {
        size += piece.length;
        if (size > options.maxBytes) throw options.tooLarge();
        for (const digest of digests.values()) digest.update(piece);
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes < OBJECT_CHUNK_BYTES) continue;
        let rest = Buffer.concat(pending, pendingBytes);
        for (; rest.length >= OBJECT_CHUNK_BYTES; rest = rest.subarray(OBJECT_CHUNK_BYTES)) {
          await storeChunk(fileId, chunks++, rest.subarray(0, OBJECT_CHUNK_BYTES));
        }
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
      if (pendingBytes > 0) await storeChunk(fileId, chunks++, Buffer.concat(pending, pendingBytes));
      const computed: Partial<Record<DigestName, Buffer>> = {};
      for (const [name, digest] of digests) computed[name] = await digest.digest();
      options.verify?.({ size, digests: computed });
      const stored = Object.fromEntries(Object.entries(computed).map(([name, value]) => [name, value.toString('base64')]));
      const completed = await db.run(
        `UPDATE object_files SET complete = TRUE, size = $2, digests = $3, written_at = ${NOW_MS} WHERE file_id = $1 AND deleted_at IS NULL`,
        [fileId, size, JSON.stringify(stored)],
      );
      if (completed === 0) throw new Error(`object data file ${fileId} was removed while it was being written`);
      return { fileId, size, digests: computed };
    } catch (err) {
      await db.run('DELETE FROM object_files WHERE file_id = $1', [fileId]).catch(() => undefined);
      throw err;
    }
  }

  async function read(segments: readonly DataSegment[], start: number, end: number): Promise<Readable | undefined> {
    const ids = [...new Set(segments.map((s) => checked(s.fileId)))];
    const readable = await db.rows('SELECT file_id FROM object_files WHERE file_id = ANY($1::text[]) AND complete AND deleted_at IS NULL', [ids]);
    if (readable.length !== ids.length) return undefined;
    async function* bytes(): AsyncGenerator<Buffer> {
      let offset = 0; // of the current segment within the object
      for (const segment of segments) {
        const base = offset;
        offset += segment.size;
        const last = Math.min(end, offset - 1) - base;
        for (let at = Math.max(start, base) - base; at <= last;) {
          const chunk = Math.floor(at / OBJECT_CHUNK_BYTES);
          const within = at - chunk * OBJECT_CHUNK_BYTES;
          const length = Math.min(OBJECT_CHUNK_BYTES - within, last - at + 1);
          const row = await db.row<{ bytes: Buffer }>(
            'SELECT substring(bytes FROM $3 FOR $4) AS bytes FROM object_chunks WHERE file_id = $1 AND chunk = $2',
            [segment.fileId, chunk, within + 1, length],
          );
          if (row?.bytes.length !== length) throw new Error(`object data file ${segment.fileId} is shorter than its ${segment.size} bytes`);
          yield row.bytes;
          at += length;
        }
      }
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  /** Removes tombstoned files whose readers have had their grace; how many went. */
  async function purgeDeleted(): Promise<number> {
    return db.run(`DELETE FROM object_files WHERE deleted_at IS NOT NULL AND deleted_at <= ${NOW_MS} - $1`, [deletedGraceMs]);
  }

  return {
    write,
    read,
    async delete(fileIds) {
      if (fileIds.length > 0) {
        await db.run(`UPDATE object_files SET deleted_at = ${NOW_MS} WHERE file_id = ANY($1::text[]) AND deleted_at IS NULL`, [fileIds.map(checked)]);
      }
      await purgeDeleted();
    },
    async sweep(live) {
      const purged = await purgeDeleted();
      const unreferenced = await db.run(
        `DELETE FROM object_files WHERE deleted_at IS NULL AND written_at <= ${NOW_MS} - $1 AND NOT (file_id = ANY($2::text[]))`,
        [sweepGraceMs, [...live]],
      );
      return purged + unreferenced;
    },
  };
}
