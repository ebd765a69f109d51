// Presigned URLs (query SigV4) made by @aws-sdk/s3-request-presigner, used with plain
// fetch as a browser would: valid, expired, tampered, signed by an unknown key; and what
// a platform without iamCredentials does with them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyBytes, errorCode, s3Client, useS3Server } from '../helpers/s3.js';

const Bucket = 'presigned';
const AN_HOUR_AGO = (): Date => new Date(Date.now() - 3_600_000);

async function fetched(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}

describe('with iamCredentials: signatures are checked', () => {
  const fixture = useS3Server({ buckets: [Bucket], args: ['--iam-credentials', 'AKIDPRESIGN:s3cr3t'] });
  let s3: S3Client;
  let stranger: S3Client;
  before(async () => {
    // Presigned PUTs must not carry the SDK's default CRC32 of an empty body (AWS's advice too).
    s3 = s3Client(fixture.server, { accessKeyId: 'AKIDPRESIGN', secretAccessKey: 's3cr3t', checksums: 'WHEN_REQUIRED' });
    stranger = s3Client(fixture.server, { accessKeyId: 'AKIDOTHER', secretAccessKey: 'guess' });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'photo 1+.jpg', Body: 'jpeg bytes' }));
  });
  after(() => {
    s3.destroy();
    stranger.destroy();
  });

  test('a valid presigned GET is served, with response-* overrides', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'photo 1+.jpg', ResponseContentType: 'image/jpeg' }), { expiresIn: 300 });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(await res.text(), 'jpeg bytes');
  });

  test('a valid presigned PUT stores the body and the metadata signed into it', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: 'upload.txt', Metadata: { via: 'url' } }), { expiresIn: 300 });
    const put = await fetched(url, { method: 'PUT', body: 'uploaded by URL' });
    assert.equal(put.status, 200, put.body);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'upload.txt' }));
    assert.equal((await bodyBytes(got.Body)).toString(), 'uploaded by URL');
    assert.deepEqual(got.Metadata, { via: 'url' });
  });

  test('an expired URL is 403 AccessDenied "Request has expired"', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'photo 1+.jpg' }), { expiresIn: 60, signingDate: AN_HOUR_AGO() });
    const res = await fetched(url);
    assert.deepEqual([res.status, errorCode(res.body)], [403, 'AccessDenied']);
    assert.match(res.body, /<Message>Request has expired<\/Message>/);
  });

  test('a tampered URL (other key, other expiry, other signature) is 403 SignatureDoesNotMatch', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'photo 1+.jpg' }), { expiresIn: 300 });
    const otherKey = url.replace('photo%201%2B.jpg', 'upload.txt');
    const longer = url.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000');
    const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)?.[1] as string;
    const forged = url.replace(signature, `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    for (const tampered of [otherKey, longer, forged]) {
      assert.notEqual(tampered, url);
      const res = await fetched(tampered);
      assert.deepEqual([res.status, errorCode(res.body)], [403, 'SignatureDoesNotMatch'], tampered);
    }
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: 'upload.txt' }), { expiresIn: 300 });
    const asGet = await fetched(put);
    assert.deepEqual([asGet.status, errorCode(asGet.body)], [403, 'SignatureDoesNotMatch'], 'a PUT URL used for a GET');
  });

  test('a URL signed by a key that is not configured is 403 InvalidAccessKeyId', async () => {
    const url = await getSignedUrl(stranger, new GetObjectCommand({ Bucket, Key: 'photo 1+.jpg' }), { expiresIn: 300 });
    const res = await fetched(url);
    assert.deepEqual([res.status, errorCode(res.body)], [403, 'InvalidAccessKeyId']);
  });
});

describe('without iamCredentials: expiry is checked, signatures cannot be', () => {
  const fixture = useS3Server({ buckets: [Bucket], setup: async ({ s3 }) => void (await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v' }))) });
  let s3: S3Client;
  before(() => {
    s3 = fixture.s3;
  });

  test('any signature is accepted until the URL expires', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'k' }), { expiresIn: 300 });
    const forged = url.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${'0'.repeat(64)}`);
    assert.deepEqual(await fetched(forged), { status: 200, body: 'v' });
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'k' }), { expiresIn: 60, signingDate: AN_HOUR_AGO() });
    assert.equal((await fetched(expired)).status, 403);
    const malformed = url.replace('X-Amz-Expires=300', 'X-Amz-Expires=999999');
    assert.equal(errorCode((await fetched(malformed)).body), 'AuthorizationQueryParametersError');
  });
});
