// On every ObjectCreated event of the `photos` bucket, writes a JPEG 200 px wide to
// `photos-thumbnails/<same key>` through Nimbus's S3 API. Inside a function,
// AWS_ENDPOINT_URL, the region and credentials are set by the platform, so a plain
// S3Client reaches it; path-style addressing because `<bucket>.localhost` names do not
// resolve inside a sandbox.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';

const WIDTH = 200;
const TARGET_BUCKET = process.env.THUMBNAIL_BUCKET ?? 'photos-thumbnails';

// One image at a time, no cache between invocations: a function's memory is small.
sharp.concurrency(1);
sharp.cache(false);

const s3 = new S3Client({ forcePathStyle: true });

/** Event keys are URL-encoded form-style (a space arrives as '+'). */
const objectKey = (record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

export const handler = async (event) => {
  const written = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = objectKey(record);
    const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const image = Buffer.from(await original.Body.transformToByteArray());
    const thumbnail = await sharp(image)
      .rotate() // honour the camera's EXIF orientation before measuring the width
      .resize({ width: WIDTH })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
    await s3.send(new PutObjectCommand({ Bucket: TARGET_BUCKET, Key: key, Body: thumbnail, ContentType: 'image/jpeg' }));
    console.log(`thumbnail of ${bucket}/${key}: ${TARGET_BUCKET}/${key}, ${thumbnail.length} bytes`);
    written.push(`${TARGET_BUCKET}/${key}`);
  }
  return { written };
};
