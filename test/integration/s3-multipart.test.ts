// Multipart uploads through @aws-sdk/client-s3, with S3's ETag and size rules checked
// against values computed here independently.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { bodyBytes, failureOf, useS3Server } from '../helpers/s3.js';

const MiB = 1024 * 1024;
const Bucket = 'multipart';
const md5 = (bytes: Buffer): Buffer => createHash('md5').update(bytes).digest();

async function failure(promise: Promise<unknown>): Promise<string> {
  const { name, status } = await failureOf(promise);
  return `${name} ${status}`;
}

const fixture = useS3Server({ buckets: [Bucket] });

async function upload(Key: string, parts: readonly Buffer[]): Promise<{ uploadId: string; etags: string[] }> {
  const { UploadId } = await fixture.s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/x-parts', Metadata: { kind: 'multi' } }));
  const etags: string[] = [];
  for (const [i, Body] of parts.entries()) etags.push((await fixture.s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }))).ETag as string);
  return { uploadId: UploadId as string, etags };
}

test('a 20 MiB upload in 4 parts: ETag is md5(part md5s)-4, bytes, metadata, part reads and ranges across parts', async () => {
  const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB)];
  const { uploadId, etags } = await upload('big.bin', parts);
  assert.deepEqual(etags, parts.map((p) => `"${md5(p).toString('hex')}"`));
  const done = await fixture.s3.send(new CompleteMultipartUploadCommand({
    Bucket, Key: 'big.bin', UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
  }));
  const expected = `"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-4"`;
  assert.equal(done.ETag, expected);
  const whole = Buffer.concat(parts);
  const got = await fixture.s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
  assert.deepEqual([got.ETag, got.ContentType, got.Metadata, got.ContentLength], [expected, 'application/x-parts', { kind: 'multi' }, 20 * MiB]);
  assert.ok(md5(await bodyBytes(got.Body)).equals(md5(whole)));
  const across = await fixture.s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', Range: `bytes=${5 * MiB - 10}-${10 * MiB + 9}` }));
  assert.deepEqual(await bodyBytes(across.Body), whole.subarray(5 * MiB - 10, 10 * MiB + 10));
  const second = await fixture.s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', PartNumber: 2 }));
  assert.equal(second.PartsCount, 4);
  assert.deepEqual(await bodyBytes(second.Body), parts[1]);
  assert.equal((await fixture.s3.send(new HeadObjectCommand({ Bucket, Key: 'big.bin' }))).ContentLength, 20 * MiB);
});

test('parts below 5 MiB but the last are EntityTooSmall; wrong ETags InvalidPart; unordered lists InvalidPartOrder', async () => {
  const { uploadId, etags } = await upload('small.bin', [randomBytes(1000), randomBytes(1000)]);
  const complete = (Parts: { ETag: string; PartNumber: number }[]): Promise<unknown> =>
    fixture.s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'small.bin', UploadId: uploadId, MultipartUpload: { Parts } }));
  const [one, two] = etags as [string, string];
  assert.equal(await failure(complete([{ ETag: one, PartNumber: 1 }, { ETag: two, PartNumber: 2 }])), 'EntityTooSmall 400');
  assert.equal(await failure(complete([{ ETag: '"0123"', PartNumber: 1 }])), 'InvalidPart 400');
  assert.equal(await failure(complete([{ ETag: one, PartNumber: 3 }])), 'InvalidPart 400');
  assert.equal(await failure(complete([{ ETag: two, PartNumber: 2 }, { ETag: one, PartNumber: 1 }])), 'InvalidPartOrder 400');
  // One small part is a whole object: the last part may be any size.
  const done = await complete([{ ETag: one, PartNumber: 1 }]);
  assert.ok(done);
  assert.equal((await fixture.s3.send(new HeadObjectCommand({ Bucket, Key: 'small.bin' }))).ContentLength, 1000);
  assert.equal(await failure(complete([{ ETag: one, PartNumber: 1 }])), 'NoSuchUpload 404');
});

test('list parts (paged), list uploads, re-upload a part, abort', async () => {
  const { uploadId } = await upload('listed.bin', [randomBytes(10), randomBytes(20), randomBytes(30)]);
  const again = randomBytes(25);
  const replaced = await fixture.s3.send(new UploadPartCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId, PartNumber: 2, Body: again }));
  const first = await fixture.s3.send(new ListPartsCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId, MaxParts: 2 }));
  assert.deepEqual(first.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 10], [2, 25]]);
  assert.equal(first.Parts?.[1]?.ETag, replaced.ETag);
  assert.equal(first.IsTruncated, true);
  const rest = await fixture.s3.send(new ListPartsCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId, PartNumberMarker: first.NextPartNumberMarker }));
  assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [3]);
  const uploads = await fixture.s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'listed' }));
  assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['listed.bin', uploadId]]);
  await fixture.s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId }));
  assert.equal(await failure(fixture.s3.send(new ListPartsCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId }))), 'NoSuchUpload 404');
  assert.equal(await failure(fixture.s3.send(new UploadPartCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId, PartNumber: 1, Body: 'x' }))), 'NoSuchUpload 404');
  assert.equal(await failure(fixture.s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'listed.bin', UploadId: uploadId }))), 'NoSuchUpload 404');
  assert.equal(await failure(fixture.s3.send(new HeadObjectCommand({ Bucket, Key: 'listed.bin' }))), 'NotFound 404');
});

test('UploadPartCopy takes a byte range of another object as a part', async () => {
  const source = randomBytes(6 * MiB);
  await fixture.s3.send(new PutObjectCommand({ Bucket, Key: 'source.bin', Body: source }));
  const { UploadId } = await fixture.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'assembled.bin' }));
  const first = await fixture.s3.send(new UploadPartCopyCommand({ Bucket, Key: 'assembled.bin', UploadId, PartNumber: 1, CopySource: `${Bucket}/source.bin`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
  const second = await fixture.s3.send(new UploadPartCommand({ Bucket, Key: 'assembled.bin', UploadId, PartNumber: 2, Body: 'tail' }));
  assert.equal(first.CopyPartResult?.ETag, `"${md5(source.subarray(0, 5 * MiB)).toString('hex')}"`);
  await fixture.s3.send(new CompleteMultipartUploadCommand({
    Bucket, Key: 'assembled.bin', UploadId, MultipartUpload: { Parts: [{ ETag: first.CopyPartResult?.ETag, PartNumber: 1 }, { ETag: second.ETag, PartNumber: 2 }] },
  }));
  const got = await bodyBytes((await fixture.s3.send(new GetObjectCommand({ Bucket, Key: 'assembled.bin' }))).Body);
  assert.deepEqual(got, Buffer.concat([source.subarray(0, 5 * MiB), Buffer.from('tail')]));
  assert.equal(await failure(fixture.s3.send(new UploadPartCopyCommand({ Bucket, Key: 'assembled.bin', UploadId: 'nope', PartNumber: 1, CopySource: `${Bucket}/source.bin` }))), 'NoSuchUpload 404');
});

test('part numbers outside 1..10000 are InvalidArgument', async () => {
  const { UploadId } = await fixture.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'numbers.bin' }));
  assert.equal(await failure(fixture.s3.send(new UploadPartCommand({ Bucket, Key: 'numbers.bin', UploadId, PartNumber: 10_001, Body: 'x' }))), 'InvalidArgument 400');
  assert.equal(await failure(fixture.s3.send(new UploadPartCommand({ Bucket, Key: 'numbers.bin', UploadId, PartNumber: 0, Body: 'x' }))), 'InvalidArgument 400');
});
