// Crash safety with the real server process: kill -9 in the middle of a 30 MB PUT leaves
// nothing visible and no garbage; a restart on the same data directory keeps every
// committed object byte for byte. Before then, an upload in progress is invisible.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';
import { bodyBytes, portOf, s3AuthHeaders, s3Client } from '../helpers/s3.js';

const MiB = 1024 * 1024;
const Bucket = 'crash';
const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** Starts a PUT of `size` bytes over a raw socket and sends only `sent` of them. */
function partialPut(server: RunningServer, key: string, size: number, sent: Buffer): net.Socket {
  const socket = net.connect(portOf(server), '127.0.0.1');
  const headers = { ...s3AuthHeaders(), host: `127.0.0.1:${portOf(server)}`, 'content-length': String(size) };
  socket.write(`PUT /${Bucket}/${key} HTTP/1.1\r\n${Object.entries(headers).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`);
  socket.write(sent);
  socket.on('error', () => undefined); // the server goes away mid-request
  return socket;
}

async function filesIn(dir: string): Promise<{ name: string; size: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })));
}

async function dataFiles(dataDir: string): Promise<number> {
  const root = path.join(dataDir, 'objects', 'data');
  let count = 0;
  for (const shard of await readdir(root)) count += (await readdir(path.join(root, shard))).length;
  return count;
}

/** Waits until the server has written some of an upload to its temp directory. */
async function uploadUnderway(dataDir: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await filesIn(path.join(dataDir, 'objects', 'tmp'))).some((f) => f.size >= atLeast)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the upload never reached the temp directory');
}

test('kill -9 during a 30 MB PUT: nothing visible, no garbage, committed objects intact after restart', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir, args: ['--pool-size', '0'] });
    const s3 = s3Client(first);
    await s3.send(new CreateBucketCommand({ Bucket }));
    const kept = randomBytes(3 * MiB);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'kept', Body: kept }));
    const parts = [randomBytes(5 * MiB), randomBytes(MiB)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'kept-multipart' }));
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket, Key: 'kept-multipart', UploadId, PartNumber: i + 1, Body }))).ETag as string);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'kept-multipart', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));

    // An overwrite of `kept` under way is invisible: GET still returns the old bytes whole.
    const overwrite = partialPut(first, 'kept', 30 * MiB, randomBytes(8 * MiB));
    const big = partialPut(first, 'big', 30 * MiB, randomBytes(12 * MiB));
    await uploadUnderway(dataDir, 8 * MiB);
    assert.equal(md5(await bodyBytes((await s3.send(new GetObjectCommand({ Bucket, Key: 'kept' }))).Body)), md5(kept));
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 2);

    s3.destroy();
    await first.stop('SIGKILL');
    overwrite.destroy();
    big.destroy();

    const second = await startServer({ dataDir, args: ['--pool-size', '0'] });
    const again = s3Client(second);
    try {
      await assert.rejects(again.send(new HeadObjectCommand({ Bucket, Key: 'big' })), (err: Error) => err.name === 'NotFound');
      assert.equal(md5(await bodyBytes((await again.send(new GetObjectCommand({ Bucket, Key: 'kept' }))).Body)), md5(kept));
      const multipart = await again.send(new GetObjectCommand({ Bucket, Key: 'kept-multipart' }));
      assert.equal(md5(await bodyBytes(multipart.Body)), md5(Buffer.concat(parts)));
      assert.deepEqual((await again.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((c) => c.Key), ['kept', 'kept-multipart']);
      // The interrupted uploads left nothing behind: no temp files, one data file per stored segment.
      assert.deepEqual(await filesIn(path.join(dataDir, 'objects', 'tmp')), []);
      assert.equal(await dataFiles(dataDir), 3);
    } finally {
      again.destroy();
      await second.dispose();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
