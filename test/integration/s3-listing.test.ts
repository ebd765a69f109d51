// Listing 2,500 keys through @aws-sdk/client-s3: ListObjectsV2 pages with continuation
// tokens, delimiters and prefixes, start-after, encoding-type=url, and ListObjects (v1)
// with markers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { errorCode, rawS3, s3AuthHeaders, useS3Server } from '../helpers/s3.js';

const Bucket = 'listing';
const pad = (i: number): string => String(i).padStart(4, '0');
// 1,000 + 1,000 keys under photos/<year>/, 300 under docs/, 200 at the top: 2,500.
const KEYS = [
  ...Array.from({ length: 1000 }, (_, i) => `photos/2024/${pad(i)}.jpg`),
  ...Array.from({ length: 1000 }, (_, i) => `photos/2025/${pad(i)}.jpg`),
  ...Array.from({ length: 300 }, (_, i) => `docs/${pad(i)}.txt`),
  ...Array.from({ length: 200 }, (_, i) => `top-${pad(i)}`),
];
const SORTED = [...KEYS].sort();

const fixture = useS3Server({
  buckets: [Bucket],
  // Seed with a few PUTs in flight at a time.
  setup: async ({ s3 }) => {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < KEYS.length; i = next++) await s3.send(new PutObjectCommand({ Bucket, Key: KEYS[i], Body: 'x' }));
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  },
});

test('ListObjectsV2 without a delimiter: 3 pages of up to 1,000, every key once, in order', async () => {
  const seen: string[] = [];
  const counts: number[] = [];
  for await (const page of paginateListObjectsV2({ client: fixture.s3 }, { Bucket })) {
    counts.push(page.KeyCount ?? -1);
    seen.push(...(page.Contents ?? []).map((c) => c.Key as string));
  }
  assert.deepEqual(counts, [1000, 1000, 500]);
  assert.deepEqual(seen, SORTED);
});

test('a delimiter rolls keys up into common prefixes, across pages of 150 entries', async () => {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fixture.s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/', MaxKeys: 150, ContinuationToken: token }));
    pages++;
    assert.ok((page.KeyCount ?? 0) <= 150);
    keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
    prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string));
    token = page.NextContinuationToken;
    assert.equal(page.IsTruncated, token !== undefined);
  } while (token);
  assert.deepEqual(prefixes, ['docs/', 'photos/']);
  assert.deepEqual(keys, SORTED.filter((k) => k.startsWith('top-')));
  assert.equal(pages, 2);
  const years = await fixture.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'photos/', Delimiter: '/' }));
  assert.deepEqual([years.CommonPrefixes?.map((p) => p.Prefix), years.Contents, years.KeyCount], [['photos/2024/', 'photos/2025/'], undefined, 2]);
});

test('prefix, start-after and max-keys', async () => {
  const page = await fixture.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'photos/2025/', StartAfter: 'photos/2025/0997.jpg', MaxKeys: 10 }));
  assert.deepEqual(page.Contents?.map((c) => c.Key), ['photos/2025/0998.jpg', 'photos/2025/0999.jpg']);
  assert.equal(page.IsTruncated, false);
  const few = await fixture.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'docs/', MaxKeys: 3 }));
  assert.deepEqual(few.Contents?.map((c) => [c.Key, c.Size, c.StorageClass]), [['docs/0000.txt', 1, 'STANDARD'], ['docs/0001.txt', 1, 'STANDARD'], ['docs/0002.txt', 1, 'STANDARD']]);
  assert.equal(few.IsTruncated, true);
});

test('ListObjects (v1) pages with NextMarker under a delimiter, and with the last key without one', async () => {
  const first = await fixture.s3.send(new ListObjectsCommand({ Bucket, Delimiter: '/', MaxKeys: 1 }));
  assert.deepEqual([first.CommonPrefixes?.[0]?.Prefix, first.NextMarker, first.IsTruncated], ['docs/', 'docs/', true]);
  const second = await fixture.s3.send(new ListObjectsCommand({ Bucket, Delimiter: '/', MaxKeys: 1, Marker: first.NextMarker }));
  assert.equal(second.CommonPrefixes?.[0]?.Prefix, 'photos/');
  const plain = await fixture.s3.send(new ListObjectsCommand({ Bucket, Prefix: 'docs/', Marker: 'docs/0297.txt' }));
  assert.deepEqual(plain.Contents?.map((c) => c.Key), ['docs/0298.txt', 'docs/0299.txt']);
  assert.equal(plain.NextMarker, undefined);
});

test('encoding-type=url percent-encodes keys and prefixes; a bad token or max-keys is InvalidArgument', async () => {
  await fixture.s3.send(new PutObjectCommand({ Bucket, Key: 'odd/a b+c&é', Body: 'x' }));
  const page = await fixture.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'odd/', EncodingType: 'url' }));
  assert.equal(page.EncodingType, 'url');
  assert.deepEqual(page.Contents?.map((c) => c.Key), ['odd/a%20b%2Bc%26%C3%A9']);
  assert.equal(page.Prefix, 'odd/');
  try {
    await fixture.s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: 'not a token!' }));
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof S3ServiceException && err.name === 'InvalidArgument', String(err));
  }
  const bad = await rawS3(fixture.server, 'GET', `/${Bucket}?list-type=2&max-keys=lots`, s3AuthHeaders());
  assert.deepEqual([bad.status, errorCode(bad.body)], [400, 'InvalidArgument']);
});
