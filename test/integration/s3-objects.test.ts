// Objects through @aws-sdk/client-s3 in both addressing styles: bodies, keys that need
// encoding, metadata and content headers, checksums, ranges, conditional requests,
// copies and batch deletes.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { bodyBytes, failureOf, s3Client, useS3Server } from '../helpers/s3.js';

/** A 304 has no body: the SDK knows only the status. */
const NOT_MODIFIED = { name: 'Unknown', status: 304 };

const md5 = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex');

const fixture = useS3Server();
const failure = failureOf;

for (const style of ['path', 'virtual-host'] as const) {
  describe(`objects, ${style} style`, () => {
    let s3: S3Client;
    const Bucket = `objects-${style}`;
    before(async () => {
      s3 = s3Client(fixture.server, { forcePathStyle: style === 'path' });
      await s3.send(new CreateBucketCommand({ Bucket }));
    });
    after(() => s3.destroy());

    test('put, get, head and delete round-trip bytes, metadata and content headers; keys are encoded', async () => {
      const Key = 'dir/a b+c%d?#&é.txt';
      const bytes = randomBytes(70_000);
      const put = await s3.send(new PutObjectCommand({
        Bucket, Key, Body: bytes, ContentType: 'image/x-test', ContentEncoding: 'identity', ContentDisposition: 'attachment; filename="x.bin"',
        CacheControl: 'max-age=60', ContentLanguage: 'en', Expires: new Date('2030-01-01T00:00:00Z'), Metadata: { Owner: 'me', 'camel-Case': 'v' },
      }));
      assert.equal(put.ETag, `"${md5(bytes)}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
      assert.deepEqual(await bodyBytes(got.Body), bytes);
      assert.equal(got.ETag, `"${md5(bytes)}"`);
      assert.deepEqual(
        [got.ContentType, got.ContentEncoding, got.ContentDisposition, got.CacheControl, got.ContentLanguage, got.ExpiresString, got.ContentLength],
        ['image/x-test', 'identity', 'attachment; filename="x.bin"', 'max-age=60', 'en', 'Tue, 01 Jan 2030 00:00:00 GMT', 70_000],
      );
      assert.deepEqual(got.Metadata, { owner: 'me', 'camel-case': 'v' });
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
      assert.equal(head.ContentLength, 70_000);
      assert.ok(head.LastModified instanceof Date);
      await s3.send(new DeleteObjectCommand({ Bucket, Key }));
      assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key }))), { name: 'NoSuchKey', status: 404 });
      assert.deepEqual(await failure(s3.send(new HeadObjectCommand({ Bucket, Key }))), { name: 'NotFound', status: 404 });
      await s3.send(new DeleteObjectCommand({ Bucket, Key })); // deleting what is gone succeeds, as in S3
    });

    test('a streamed body (aws-chunked with a CRC32 trailer) is stored and its checksum returned', async () => {
      const bytes = randomBytes(300_000);
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'streamed', Body: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), ContentLength: bytes.length }));
      assert.equal(put.ETag, `"${md5(bytes)}"`);
      assert.ok(put.ChecksumCRC32);
      // The SDK checks the returned CRC32 against the bytes it reads (ChecksumMode ENABLED by default).
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'streamed', ChecksumMode: 'ENABLED' }));
      assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
      assert.deepEqual(await bodyBytes(got.Body), bytes);
    });

    test('an empty object', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'empty', Body: '' }));
      assert.equal(put.ETag, `"${md5('')}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'empty' }));
      assert.equal((await bodyBytes(got.Body)).length, 0);
      assert.equal(got.ContentLength, 0);
    });
  });
}

describe('ranges, conditions, copies, batch deletes', () => {
  let s3: S3Client;
  const Bucket = 'objects-more';
  const bytes = Buffer.from('0123456789abcdefghij');
  let etag: string;
  let modified: Date;
  before(async () => {
    s3 = s3Client(fixture.server);
    await s3.send(new CreateBucketCommand({ Bucket }));
    etag = (await s3.send(new PutObjectCommand({ Bucket, Key: 'digits', Body: bytes, Metadata: { origin: 'test' }, ContentType: 'text/plain' }))).ETag as string;
    modified = (await s3.send(new HeadObjectCommand({ Bucket, Key: 'digits' }))).LastModified as Date;
  });
  after(() => s3.destroy());

  test('ranged reads answer 206 with Content-Range; an unsatisfiable range is 416 InvalidRange', async () => {
    for (const [Range, expected, contentRange] of [
      ['bytes=2-5', '2345', 'bytes 2-5/20'], ['bytes=15-', 'fghij', 'bytes 15-19/20'], ['bytes=-3', 'hij', 'bytes 17-19/20'], ['bytes=18-99', 'ij', 'bytes 18-19/20'],
    ] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'digits', Range }));
      assert.equal(got.$metadata.httpStatusCode, 206, Range);
      assert.equal(got.ContentRange, contentRange);
      assert.equal((await bodyBytes(got.Body)).toString(), expected);
    }
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', Range: 'bytes=20-' }))), { name: 'InvalidRange', status: 416 });
  });

  test('conditional GETs: 304 and 412 by S3 precedence', async () => {
    const later = new Date(modified.getTime() + 3_600_000);
    const earlier = new Date(modified.getTime() - 3_600_000);
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfNoneMatch: etag }))), NOT_MODIFIED);
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfMatch: '"nope"' }))), { name: 'PreconditionFailed', status: 412 });
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfModifiedSince: later }))), NOT_MODIFIED);
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfUnmodifiedSince: earlier }))), { name: 'PreconditionFailed', status: 412 });
    // HEAD errors have no body (as on S3), so the SDK knows only the status.
    assert.deepEqual(await failure(s3.send(new HeadObjectCommand({ Bucket, Key: 'digits', IfMatch: '"nope"' }))), { name: 'Unknown', status: 412 });
    // If-Match true wins over If-Unmodified-Since false; If-None-Match false over If-Modified-Since true.
    assert.equal((await s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfMatch: etag, IfUnmodifiedSince: earlier }))).$metadata.httpStatusCode, 200);
    assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfNoneMatch: etag, IfModifiedSince: earlier }))), NOT_MODIFIED);
    assert.equal((await s3.send(new GetObjectCommand({ Bucket, Key: 'digits', IfNoneMatch: '"other"', IfModifiedSince: later }))).$metadata.httpStatusCode, 200);
  });

  test('conditional PUTs: If-None-Match * refuses an existing key, If-Match a changed one', async () => {
    assert.deepEqual(await failure(s3.send(new PutObjectCommand({ Bucket, Key: 'digits', Body: 'x', IfNoneMatch: '*' }))), { name: 'PreconditionFailed', status: 412 });
    assert.deepEqual(await failure(s3.send(new PutObjectCommand({ Bucket, Key: 'digits', Body: 'x', IfMatch: '"nope"' }))), { name: 'PreconditionFailed', status: 412 });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'fresh', Body: 'x', IfNoneMatch: '*' }));
    assert.deepEqual(await bodyBytes((await s3.send(new GetObjectCommand({ Bucket, Key: 'digits' }))).Body), bytes);
  });

  test('copy keeps the source metadata (COPY) or takes the request\'s (REPLACE); sources are URL-encoded', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'odd key+/ü', Body: 'odd', Metadata: { a: '1' }, ContentType: 'text/odd' }));
    const source = `${Bucket}/${encodeURIComponent('odd key+/ü')}`;
    const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy-1', CopySource: source }));
    assert.equal(copied.CopyObjectResult?.ETag, `"${md5('odd')}"`);
    const one = await s3.send(new HeadObjectCommand({ Bucket, Key: 'copy-1' }));
    assert.deepEqual([one.Metadata, one.ContentType], [{ a: '1' }, 'text/odd']);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy-2', CopySource: source, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/new' }));
    const two = await s3.send(new GetObjectCommand({ Bucket, Key: 'copy-2' }));
    assert.deepEqual([two.Metadata, two.ContentType, (await bodyBytes(two.Body)).toString()], [{ b: '2' }, 'text/new', 'odd']);
    // Replacing an object's metadata in place is a copy onto itself with REPLACE.
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy-2', CopySource: `${Bucket}/copy-2`, MetadataDirective: 'REPLACE', Metadata: { c: '3' } }));
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket, Key: 'copy-2' }))).Metadata, { c: '3' });
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'copy-2', CopySource: `${Bucket}/copy-2` }))), { name: 'InvalidRequest', status: 400 });
  });

  test('conditional copies and missing sources', async () => {
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: `${Bucket}/digits`, CopySourceIfMatch: '"nope"' }))), { name: 'PreconditionFailed', status: 412 });
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: `${Bucket}/digits`, CopySourceIfNoneMatch: etag }))), { name: 'PreconditionFailed', status: 412 });
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: `${Bucket}/digits`, CopySourceIfModifiedSince: new Date(modified.getTime() + 3_600_000) }))), { name: 'PreconditionFailed', status: 412 });
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: `${Bucket}/digits`, CopySourceIfMatch: etag }));
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: `${Bucket}/missing` }))), { name: 'NoSuchKey', status: 404 });
    assert.deepEqual(await failure(s3.send(new CopyObjectCommand({ Bucket, Key: 'c', CopySource: 'no-such-bucket-x/k' }))), { name: 'NoSuchBucket', status: 404 });
  });

  test('DeleteObjects reports every key deleted (quiet: none), and they are gone', async () => {
    for (const Key of ['d1', 'd2']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'd1' }, { Key: 'never' }] } }));
    assert.deepEqual(loud.Deleted?.map((d) => d.Key), ['d1', 'never']);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'd2' }, { Key: 'x'.repeat(1025) }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    assert.deepEqual(quiet.Errors?.map((e) => e.Code), ['KeyTooLongError']);
    for (const Key of ['d1', 'd2']) assert.deepEqual(await failure(s3.send(new HeadObjectCommand({ Bucket, Key }))), { name: 'NotFound', status: 404 });
  });
});
