// Buckets through @aws-sdk/client-s3, path style and virtual-host style (s3.localhost).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, GetBucketAclCommand, GetBucketLocationCommand, HeadBucketCommand, ListBucketsCommand,
  PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, failureOf, portOf, rawS3, s3Client, useS3Server } from '../helpers/s3.js';

const fixture = useS3Server();
const failure = failureOf;

for (const style of ['path', 'virtual-host'] as const) {
  describe(`buckets, ${style} style`, () => {
    let s3: S3Client;
    const name = `bucket-${style}`;
    before(() => {
      s3 = s3Client(fixture.server, { forcePathStyle: style === 'path' });
    });
    after(() => s3.destroy());

    test('create, list, head, locate, delete', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      const listed = await s3.send(new ListBucketsCommand({}));
      assert.ok(listed.Buckets?.some((b) => b.Name === name && b.CreationDate instanceof Date));
      const head = await s3.send(new HeadBucketCommand({ Bucket: name }));
      assert.equal(head.BucketRegion, 'us-east-1');
      assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, undefined);
      await s3.send(new DeleteBucketCommand({ Bucket: name }));
      assert.deepEqual(await failure(s3.send(new HeadBucketCommand({ Bucket: name }))), { name: 'NotFound', status: 404 });
    });

    test('a second create by the owner is BucketAlreadyOwnedByYou; by another account BucketAlreadyExists', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: `${name}-taken` }));
      assert.deepEqual(await failure(s3.send(new CreateBucketCommand({ Bucket: `${name}-taken` }))), { name: 'BucketAlreadyOwnedByYou', status: 409 });
      const other = s3Client(fixture.server, { forcePathStyle: style === 'path', accessKeyId: '222222222222' });
      assert.deepEqual(await failure(other.send(new CreateBucketCommand({ Bucket: `${name}-taken` }))), { name: 'BucketAlreadyExists', status: 409 });
      // Another account's bucket is not theirs to use, and not in their list.
      assert.deepEqual(await failure(other.send(new PutObjectCommand({ Bucket: `${name}-taken`, Key: 'k', Body: 'x' }))), { name: 'AccessDenied', status: 403 });
      assert.ok(!(await other.send(new ListBucketsCommand({}))).Buckets?.some((b) => b.Name === `${name}-taken`));
      other.destroy();
    });
  });
}

describe('bucket errors and regions', () => {
  let s3: S3Client;
  before(() => {
    s3 = s3Client(fixture.server);
  });
  after(() => s3.destroy());

  test('invalid names are InvalidBucketName; a bucket with objects is BucketNotEmpty; a missing one NoSuchBucket', async () => {
    for (const bad of ['ab', 'Upper', 'a..b', '192.168.1.1', '-dash', 'x'.repeat(64)]) {
      assert.deepEqual(await failure(s3.send(new CreateBucketCommand({ Bucket: bad }))), { name: 'InvalidBucketName', status: 400 }, bad);
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'full-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'full-bucket', Key: 'k', Body: 'x' }));
    assert.deepEqual(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'full-bucket' }))), { name: 'BucketNotEmpty', status: 409 });
    assert.deepEqual(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'never-made' }))), { name: 'NoSuchBucket', status: 404 });
    assert.deepEqual(await failure(s3.send(new GetBucketAclCommand({ Bucket: 'full-bucket' }))), { name: 'NotImplemented', status: 501 });
  });

  test('the bucket region is the LocationConstraint, else the signing region', async () => {
    const eu = s3Client(fixture.server, { region: 'eu-west-1' });
    await eu.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    assert.equal((await eu.send(new GetBucketLocationCommand({ Bucket: 'eu-bucket' }))).LocationConstraint, 'eu-west-1');
    await eu.send(new CreateBucketCommand({ Bucket: 'eu-bucket-2' }));
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: 'eu-bucket-2' }))).BucketRegion, 'eu-west-1');
    eu.destroy();
  });

  test('unsigned requests to s3.localhost are served in the default account; other hosts are not S3', async () => {
    const port = portOf(fixture.server);
    const listed = await rawS3(fixture.server, 'GET', '/', { host: `s3.localhost:${port}` });
    assert.equal(listed.status, 200);
    assert.match(listed.body, /<Name>full-bucket<\/Name>/);
    const head = await rawS3(fixture.server, 'HEAD', '/', { host: `FULL-BUCKET.S3.LOCALHOST:${port}` });
    assert.equal(head.status, 200);
    const missing = await rawS3(fixture.server, 'GET', '/k', { host: `never-made.s3.localhost:${port}` });
    assert.equal(errorCode(missing.body), 'NoSuchBucket');
    assert.equal((await rawS3(fixture.server, 'GET', '/full-bucket/k', { host: `127.0.0.1:${port}` })).status, 404);
  });
});
