// Uploads an image to the app's bucket and waits for its thumbnail.
// Run `npx nimbus dev` in another terminal first (or set NIMBUS_ENDPOINT).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from './invoke.mjs';

test('an upload gets a thumbnail', async () => {
  const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
  const Bucket = '__APP__-images';
  await s3.send(new PutObjectCommand({ Bucket, Key: 'uploads/cat.jpg', Body: 'not really a jpeg', ContentType: 'image/jpeg' }));
  for (let i = 0; i < 100; i++) {
    try {
      const thumb = await s3.send(new GetObjectCommand({ Bucket, Key: 'thumbnails/uploads/cat.jpg' }));
      assert.equal(await thumb.Body.transformToString(), 'not really a jpeg');
      return;
    } catch (err) {
      if (err.name !== 'NoSuchKey') throw err;
      await sleep(100);
    }
  }
  assert.fail('no thumbnail within 10 s');
});
