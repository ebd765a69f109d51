// S3's error document and one error code per bad request, for the cases clients send
// as written here (digests, framing, lengths, odd methods and documents).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { crc32 } from '../../src/util/crc32.js';
import { errorCode, portOf, rawS3, s3AuthHeaders, useS3Server } from '../helpers/s3.js';

const Bucket = 'errors';
const auth = s3AuthHeaders();
const md5Base64 = (text: string): string => createHash('md5').update(text).digest('base64');
const crc32Base64 = (text: string): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(Buffer.from(text)));
  return out.toString('base64');
};

const fixture = useS3Server({ buckets: [Bucket] });

async function code(method: string, path: string, headers: Record<string, string>, body?: string): Promise<[number, string | undefined]> {
  const res = await rawS3(fixture.server, method, path, { ...auth, ...headers }, body);
  return [res.status, errorCode(res.body)];
}

test('an error is S3\'s XML document with request ids; a HEAD error has no body', async () => {
  const res = await rawS3(fixture.server, 'GET', `/${Bucket}/missing%20key`, auth);
  assert.equal(res.status, 404);
  assert.equal(res.headers['content-type'], 'application/xml');
  assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>missing key<\/Key><Resource>\/errors\/missing key<\/Resource><RequestId>([0-9A-F]{16})<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
  assert.equal(res.headers['x-amz-request-id'], /<RequestId>([^<]+)</.exec(res.body)?.[1]);
  assert.ok(res.headers['x-amz-id-2']);
  const head = await rawS3(fixture.server, 'HEAD', `/${Bucket}/missing`, auth);
  assert.deepEqual([head.status, head.body], [404, '']);
  const bucket = await rawS3(fixture.server, 'GET', '/no-such-bucket-here?list-type=2', auth);
  assert.deepEqual([bucket.status, errorCode(bucket.body)], [404, 'NoSuchBucket']);
});

test('digests: Content-MD5 (BadDigest, InvalidDigest), x-amz-content-sha256 (XAmzContentSHA256Mismatch), checksums (BadDigest)', async () => {
  assert.deepEqual(await code('PUT', `/${Bucket}/d`, { 'content-md5': md5Base64('other') }, 'body'), [400, 'BadDigest']);
  assert.deepEqual(await code('PUT', `/${Bucket}/d`, { 'content-md5': 'not-md5' }, 'body'), [400, 'InvalidDigest']);
  assert.deepEqual(await code('PUT', `/${Bucket}/d`, { 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex') }, 'body'), [400, 'XAmzContentSHA256Mismatch']);
  assert.deepEqual(await code('PUT', `/${Bucket}/d`, { 'x-amz-checksum-crc32': crc32Base64('other') }, 'body'), [400, 'BadDigest']);
  assert.deepEqual(await code('PUT', `/${Bucket}/d`, { 'content-md5': md5Base64('body'), 'x-amz-checksum-crc32': crc32Base64('body') }, 'body'), [200, undefined]);
  try {
    await fixture.s3.send(new PutObjectCommand({ Bucket, Key: 'd', Body: 'body', ContentMD5: md5Base64('other') }));
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof S3ServiceException && err.name === 'BadDigest', String(err));
  }
  const stored = await rawS3(fixture.server, 'GET', `/${Bucket}/d`, auth);
  assert.equal(stored.body, 'body', 'refused bodies replace nothing');
});

test('aws-chunked bodies: signed chunks are accepted; a wrong trailer checksum is BadDigest; short bodies IncompleteBody', async () => {
  const chunked = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '11' };
  const sig = `;chunk-signature=${'a'.repeat(64)}`;
  const signed = `6${sig}\r\nhello \r\n5${sig}\r\nworld\r\n0${sig}\r\n\r\n`;
  assert.deepEqual(await code('PUT', `/${Bucket}/c`, { ...chunked, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }, signed), [200, undefined]);
  assert.equal((await rawS3(fixture.server, 'GET', `/${Bucket}/c`, auth)).body, 'hello world');
  const trailer = (crc: string): string => `b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`;
  const trailed = { ...chunked, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32' };
  assert.deepEqual(await code('PUT', `/${Bucket}/c`, trailed, trailer(crc32Base64('hello world'))), [200, undefined]);
  assert.deepEqual(await code('PUT', `/${Bucket}/c`, trailed, trailer(crc32Base64('goodbye'))), [400, 'BadDigest']);
  assert.deepEqual(await code('PUT', `/${Bucket}/c`, { ...trailed, 'x-amz-decoded-content-length': '20' }, trailer(crc32Base64('hello world'))), [400, 'IncompleteBody']);
  assert.deepEqual(await code('PUT', `/${Bucket}/c`, chunked, '5\r\nhello\r\n'), [400, 'IncompleteBody']);
});

test('lengths: KeyTooLongError, EntityTooLarge (before any byte is read), MissingContentLength', async () => {
  assert.deepEqual(await code('PUT', `/${Bucket}/${'k'.repeat(1025)}`, {}, 'x'), [400, 'KeyTooLongError']);
  assert.deepEqual(await code('PUT', `/${Bucket}/${encodeURIComponent('é'.repeat(513))}`, {}, 'x'), [400, 'KeyTooLongError']);
  const huge = await new Promise<[number, string | undefined]>((resolve, reject) => {
    // Headers announcing 5 GiB + 1 and no body: the answer comes without waiting for one.
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port: portOf(fixture.server), method: 'PUT', path: `/${Bucket}/huge`, headers: { ...auth, 'content-length': String(5 * 1024 ** 3 + 1) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve([res.statusCode ?? 0, errorCode(body)]));
      });
      req.on('error', reject);
      req.flushHeaders();
    }, reject);
  });
  assert.deepEqual(huge, [400, 'EntityTooLarge']);
  assert.deepEqual(await code('PUT', `/${Bucket}/nolength`, { 'transfer-encoding': 'chunked' }, 'abc'), [411, 'MissingContentLength']);
});

test('documents and requests S3 does not take: MalformedXML, InvalidRequest, InvalidArgument, MethodNotAllowed, NotImplemented, InvalidURI', async () => {
  const body = '<Delete><Object><Key>a</Object></Delete>';
  assert.deepEqual(await code('POST', `/${Bucket}?delete`, { 'content-md5': md5Base64(body) }, body), [400, 'MalformedXML']);
  const fine = '<Delete><Object><Key>a</Key></Object></Delete>';
  assert.deepEqual(await code('POST', `/${Bucket}?delete`, {}, fine), [400, 'InvalidRequest']);
  const notes = '<NotificationConfiguration><CloudFunctionConfiguration><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>';
  assert.deepEqual(await code('PUT', `/${Bucket}?notification`, {}, notes), [400, 'MalformedXML']);
  assert.deepEqual(await code('PUT', `/${Bucket}/x`, { 'x-amz-copy-source': 'no-slash' }), [400, 'InvalidArgument']);
  assert.deepEqual(await code('PUT', `/${Bucket}/x`, { 'x-amz-copy-source': `${Bucket}/d`, 'x-amz-metadata-directive': 'MERGE' }), [400, 'InvalidArgument']);
  assert.deepEqual(await code('PATCH', `/${Bucket}/x`, {}), [405, 'MethodNotAllowed']);
  assert.deepEqual(await code('POST', `/${Bucket}/x`, {}), [405, 'MethodNotAllowed']);
  assert.deepEqual(await code('GET', `/${Bucket}/x?tagging`, {}), [501, 'NotImplemented']);
  assert.deepEqual(await code('PUT', `/${Bucket}?versioning`, {}), [501, 'NotImplemented']);
  assert.deepEqual(await code('GET', `/${Bucket}/%E0%A4%A`, {}), [400, 'InvalidURI']);
  // An empty bucket segment before a key names no bucket: not ListBuckets (found by the request fuzzer).
  assert.deepEqual(await code('GET', '//../', {}), [400, 'InvalidURI']);
  const other = s3AuthHeaders('333333333333');
  const denied = await rawS3(fixture.server, 'GET', `/${Bucket}/d`, other);
  assert.deepEqual([denied.status, errorCode(denied.body)], [403, 'AccessDenied']);
});

test('the platform keeps serving after every refusal', async () => {
  assert.equal((await rawS3(fixture.server, 'GET', `/${Bucket}/d`, auth)).body, 'body');
});
