// The ObjectDataStore contract (store/s3-ports.ts): the bytes of S3 objects and parts.
// Every implementation passes these; call objectDataContract() from its test file. The
// objects span more than one MiB so ranges cross the chunk boundaries of chunked stores,
// and the segment boundaries of a multipart object. The fixture's store must sweep files
// as soon as they are unreferenced (a store with a sweep grace period opens with none).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import type { DataSegment, DataWriteOptions, ObjectDataStore, WrittenData } from '../../src/store/s3-ports.js';
import { crc32 } from '../../src/util/crc32.js';

export interface ObjectDataFixture {
  readonly data: ObjectDataStore;
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;

/** The bytes as a stream of uneven pieces, counting how many pieces were pulled. */
function sourceOf(bytes: Buffer, pulled = { count: 0 }): Readable {
  function* pieces(): Generator<Buffer> {
    const sizes = [1, 70_000, 333_333, 2 * MiB, 4096];
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length] as number;
      pulled.count++;
      yield bytes.subarray(at, at + size);
      at += size;
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

const plain: DataWriteOptions = { digests: [], maxBytes: 64 * MiB, tooLarge: () => new Error('too large') };

async function collect(stream: Readable | undefined): Promise<Buffer> {
  assert.ok(stream, 'the data is readable');
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

export function objectDataContract(implementation: string, open: () => Promise<ObjectDataFixture>): void {
  describe(`object data store contract: ${implementation}`, () => {
    let fixture: ObjectDataFixture;
    let data: ObjectDataStore;
    before(async () => {
      fixture = await open();
      data = fixture.data;
    });
    after(async () => fixture.cleanup());

    const write = async (bytes: Buffer, options: DataWriteOptions = plain): Promise<WrittenData> => data.write(sourceOf(bytes), options);

    test('a write reads back whole and by range within one file, across chunk boundaries', async () => {
      const bytes = randomBytes(2 * MiB + 12_345);
      const written = await write(bytes);
      assert.equal(written.size, bytes.length);
      assert.match(written.fileId, /^[0-9a-f]{32}$/);
      const segments = [{ fileId: written.fileId, size: written.size }];
      const ranges: Array<[number, number]> = [
        [0, bytes.length - 1], [0, 0], [bytes.length - 1, bytes.length - 1], [MiB - 5, MiB + 5],
        [MiB, MiB], [MiB - 1, MiB - 1], [100, 60_000], [10, 2 * MiB + 10], [MiB - 70_000, 2 * MiB + 70],
      ];
      for (const [start, end] of ranges) {
        assert.deepEqual(await collect(await data.read(segments, start, end)), bytes.subarray(start, end + 1), `bytes ${start}-${end}`);
      }
    });

    test('ranges across the segments of a multipart object', async () => {
      const parts = [randomBytes(MiB + MiB / 2 + 7), randomBytes(MiB + 3), randomBytes(10)];
      const segments: DataSegment[] = [];
      for (const part of parts) {
        const written = await write(part);
        segments.push({ fileId: written.fileId, size: written.size });
      }
      const whole = Buffer.concat(parts);
      const first = (parts[0] as Buffer).length;
      const second = first + (parts[1] as Buffer).length;
      const ranges: Array<[number, number]> = [
        [0, whole.length - 1], [first - 1, first], [first - 3, first + 3], [first - 40_000, first + 40_000],
        [first, second - 1], [second - 2, whole.length - 1], [MiB - 2, second + 2], [whole.length - 1, whole.length - 1],
      ];
      for (const [start, end] of ranges) {
        assert.deepEqual(await collect(await data.read(segments, start, end)), whole.subarray(start, end + 1), `bytes ${start}-${end}`);
      }
    });

    test('an empty write is an empty file', async () => {
      const written = await write(Buffer.alloc(0), { ...plain, digests: ['md5'] });
      assert.equal(written.size, 0);
      assert.deepEqual(written.digests.md5, createHash('md5').digest());
      assert.ok(await data.read([{ fileId: written.fileId, size: 0 }], 0, -1));
    });

    test('the digests asked for are computed over the bytes, and verify sees them', async () => {
      const bytes = randomBytes(MiB + 999);
      let seen: Omit<WrittenData, 'fileId'> | undefined;
      const written = await write(bytes, { ...plain, digests: ['md5', 'sha256', 'crc32'], verify: (w) => void (seen = w) });
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(bytes) >>> 0);
      const expected = { md5: createHash('md5').update(bytes).digest(), sha256: createHash('sha256').update(bytes).digest(), crc32: crc };
      assert.deepEqual(written.digests, expected);
      assert.deepEqual(seen, { size: bytes.length, digests: expected });
      assert.deepEqual((await write(Buffer.from('x'))).digests, {});
    });

    test('more bytes than maxBytes fail with tooLarge(), without reading the rest; exactly maxBytes is fine', async () => {
      const tooLarge = new Error('EntityTooLarge');
      const pulled = { count: 0 };
      const bytes = randomBytes(3 * MiB);
      await assert.rejects(data.write(sourceOf(bytes, pulled), { ...plain, maxBytes: 100_000, tooLarge: () => tooLarge }), (err) => err === tooLarge);
      assert.ok(pulled.count <= 4, `the source stops near the piece that passes the limit (pulled ${pulled.count} of 9)`);
      const exact = await write(bytes.subarray(0, 70_001), { ...plain, maxBytes: 70_001, tooLarge: () => tooLarge });
      assert.equal(exact.size, 70_001);
    });

    test('a throw from verify fails the write', async () => {
      const refused = new Error('BadDigest');
      await assert.rejects(write(Buffer.from('bytes'), { ...plain, digests: ['md5'], verify: () => { throw refused; } }), (err) => err === refused);
    });

    test('a deleted file reads as undefined, also as one segment of several; deleting twice is fine', async () => {
      const kept = await write(Buffer.from('kept'));
      const gone = await write(Buffer.from('gone'));
      await data.delete([gone.fileId]);
      await data.delete([gone.fileId]);
      assert.equal(await data.read([{ fileId: gone.fileId, size: 4 }], 0, 3), undefined);
      assert.equal(await data.read([{ fileId: kept.fileId, size: 4 }, { fileId: gone.fileId, size: 4 }], 0, 7), undefined);
      assert.deepEqual(await collect(await data.read([{ fileId: kept.fileId, size: 4 }], 0, 3)), Buffer.from('kept'));
      assert.equal(await data.read([{ fileId: randomBytes(16).toString('hex'), size: 1 }], 0, 0), undefined);
    });

    test('a read already open keeps its bytes when the file is deleted meanwhile', async () => {
      const bytes = randomBytes(3 * MiB);
      const written = await write(bytes);
      const stream = await data.read([{ fileId: written.fileId, size: written.size }], 0, bytes.length - 1);
      await data.delete([written.fileId]);
      assert.deepEqual(await collect(stream), bytes);
    });

    test('sweep removes every file not live, including the bytes of failed writes, and keeps the live ones', async () => {
      const own = await open(); // sweep sees every file in the store, so this test has a store to itself
      try {
        const live = await own.data.write(sourceOf(Buffer.from('live')), plain);
        const dead = await own.data.write(sourceOf(Buffer.from('dead')), plain);
        const big = randomBytes(2 * MiB + 1);
        const alsoLive = await own.data.write(sourceOf(big), plain);
        await assert.rejects(own.data.write(sourceOf(randomBytes(2 * MiB)), { ...plain, maxBytes: MiB + 1 }));
        await assert.rejects(own.data.write(sourceOf(randomBytes(MiB + 2)), { ...plain, verify: () => { throw new Error('no'); } }));
        assert.equal(await own.data.sweep(new Set([live.fileId, alsoLive.fileId])), 1);
        assert.equal(await own.data.read([{ fileId: dead.fileId, size: 4 }], 0, 3), undefined);
        assert.deepEqual(await collect(await own.data.read([{ fileId: live.fileId, size: 4 }], 0, 3)), Buffer.from('live'));
        assert.deepEqual(await collect(await own.data.read([{ fileId: alsoLive.fileId, size: big.length }], 0, big.length - 1)), big);
        assert.equal(await own.data.sweep(new Set([live.fileId, alsoLive.fileId])), 0);
      } finally {
        await own.cleanup();
      }
    });
  });
}
