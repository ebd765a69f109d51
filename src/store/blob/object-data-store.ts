// ObjectDataStore in a directory: <root>/data/<2 hex>/<file id>, one file per object
// write, never modified. A write streams into <root>/tmp, is fsynced, then renamed into
// place and its directory fsynced, so a file under data/ is always whole; the metadata
// that makes it visible is committed only after that. Start-up sweeps tmp/ and every
// data file no object or part refers to (a crash between rename and commit, or between
// a replacing commit and the delete of the old bytes).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DataSegment, DataWriteOptions, DigestName, ObjectDataStore, WrittenData } from '../s3-ports.js';
import { createDigest } from './object-digests.js';

const FILE_ID = /^[0-9a-f]{32}$/;

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r'); // Linux fsyncs directories through a read-only descriptor
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Larger reads stream in chunks of this size. */
const READ_CHUNK = 1 << 20;
/** Reads up to this size are read whole into one buffer: no stream machinery per small GET. */
const SMALL_READ = 64 * 1024;

async function readSmall(handles: readonly FileHandle[], segments: readonly DataSegment[], start: number, end: number): Promise<Readable> {
  const out = Buffer.allocUnsafe(end - start + 1);
  try {
    let offset = 0;
    let filled = 0;
    for (const [i, segment] of segments.entries()) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + segment.size - 1);
      if (from <= to) {
        for (let at = from - offset; at <= to - offset;) {
          const { bytesRead } = await (handles[i] as FileHandle).read(out, filled, to - offset - at + 1, at);
          if (bytesRead === 0) throw new Error(`object data file ${segment.fileId} is shorter than its ${segment.size} bytes`);
          at += bytesRead;
          filled += bytesRead;
        }
      }
      offset += segment.size;
    }
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
  return Readable.from([out], { objectMode: false });
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let done = 0; done < chunk.length;) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
}

export async function createObjectDataStore(root: string): Promise<ObjectDataStore> {
  const dataDir = path.join(root, 'data');
  const tmpDir = path.join(root, 'tmp');
  const shards = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  // Every shard exists (and is durable) before the first write, so a write fsyncs only its own shard.
  await mkdir(tmpDir, { recursive: true });
  await Promise.all(shards.map((shard) => mkdir(path.join(dataDir, shard), { recursive: true })));
  await fsyncPath(dataDir);
  await fsyncPath(root);
  const fileOf = (fileId: string): string => {
    if (!FILE_ID.test(fileId)) throw new Error(`not an object data file id: ${fileId}`);
    return path.join(dataDir, fileId.slice(0, 2), fileId);
  };

  async function write(source: Readable, options: DataWriteOptions): Promise<WrittenData> {
    const fileId = randomBytes(16).toString('hex');
    const temp = path.join(tmpDir, fileId);
    const digests = new Map<DigestName, ReturnType<typeof createDigest>>(options.digests.map((name) => [name, createDigest(name)]));
    const handle = await open(temp, 'wx');
    let size = 0;
    try {
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > options.maxBytes) throw options.tooLarge();
          for (const digest of digests.values()) digest.update(chunk);
          await writeAll(handle, chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const computed: Partial<Record<DigestName, Buffer>> = {};
      for (const [name, digest] of digests) computed[name] = await digest.digest();
      options.verify?.({ size, digests: computed });
      const file = fileOf(fileId);
      await rename(temp, file);
      await fsyncPath(path.dirname(file));
      return { fileId, size, digests: computed };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async function read(segments: readonly DataSegment[], start: number, end: number): Promise<Readable | undefined> {
    const handles: FileHandle[] = [];
    try {
      for (const segment of segments) handles.push(await open(fileOf(segment.fileId), 'r'));
    } catch (err) {
      await Promise.all(handles.map((h) => h.close()));
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    if (end - start + 1 <= SMALL_READ) return readSmall(handles, segments, start, end);
    async function* bytes(): AsyncGenerator<Buffer> {
      let offset = 0; // of the current segment within the object
      for (const [i, segment] of segments.entries()) {
        const from = Math.max(start, offset);
        const to = Math.min(end, offset + segment.size - 1);
        offset += segment.size;
        if (from > to) continue;
        const base = offset - segment.size;
        const stream = (handles[i] as FileHandle).createReadStream({ start: from - base, end: to - base, autoClose: false, highWaterMark: READ_CHUNK });
        yield* stream as AsyncIterable<Buffer>;
      }
    }
    const stream = Readable.from(bytes(), { objectMode: false });
    let closed = false;
    stream.once('close', () => {
      if (closed) return;
      closed = true;
      for (const h of handles) h.close().catch(() => undefined);
    });
    return stream;
  }

  return {
    write,
    read,
    async delete(fileIds) {
      await Promise.all(fileIds.map((fileId) => rm(fileOf(fileId), { force: true })));
    },
    async sweep(live) {
      for (const name of await readdir(tmpDir)) await rm(path.join(tmpDir, name), { force: true, recursive: true });
      let removed = 0;
      for (const shard of shards) {
        for (const name of await readdir(path.join(dataDir, shard))) {
          if (live.has(name)) continue;
          await rm(path.join(dataDir, shard, name), { force: true, recursive: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
