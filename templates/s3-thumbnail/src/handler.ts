import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Handler } from 'aws-lambda';

const s3 = new S3Client({ forcePathStyle: true });
const PREFIX = 'thumbnails/';

// For each uploaded image, writes thumbnails/<key>. This copies the bytes: swap in a
// resizer such as `sharp` (npm install sharp) where marked.
export const handler: S3Handler = async (event) => {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (key.startsWith(PREFIX)) continue; // our own output: never process it again
    const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await original.Body!.transformToByteArray();
    const thumbnail = bytes; // resize here
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: PREFIX + key, Body: thumbnail, ContentType: original.ContentType }));
    console.log(`thumbnail for s3://${bucket}/${key}: ${thumbnail.length} bytes`);
  }
};
