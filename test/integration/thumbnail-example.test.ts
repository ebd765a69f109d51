// examples/thumbnail end to end, as its README walks through it: install the example's
// dependencies (sharp, a native addon, and the S3 client), `nimbus deploy` it, configure
// the bucket notification from notification.json, upload a JPEG, and get a decodable
// 200-px-wide JPEG back from photos-thumbnails — under each sandbox driver.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client, waitUntilObjectExists,
  type NotificationConfiguration,
} from '@aws-sdk/client-s3';
import { nimbus } from '../helpers/cli.js';
import { requireBwrap } from '../helpers/privileges.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'thumbnail');

/** The part of sharp's API this test uses (loaded from the example's own node_modules). */
interface SharpImage {
  jpeg(options?: { quality?: number }): SharpImage;
  toBuffer(): Promise<Buffer>;
  metadata(): Promise<{ width?: number; height?: number; format?: string }>;
}
type Sharp = (input?: Buffer | { create: { width: number; height: number; channels: 3; background: string } }) => SharpImage;

let sharp: Sharp;

before(() => {
  // As the README's first step; the registry is npm's, as for the platform's own deps.
  if (!existsSync(path.join(EXAMPLE, 'node_modules', 'sharp'))) {
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: EXAMPLE, encoding: 'utf8', timeout: 300_000 });
    assert.equal(install.status, 0, `npm ci in examples/thumbnail failed:\n${install.stdout}\n${install.stderr}`);
  }
  sharp = createRequire(path.join(EXAMPLE, 'package.json'))('sharp') as Sharp;
});

function walkThrough(driver: 'process' | 'bwrap'): void {
  let server: RunningServer;
  let s3: S3Client;

  before(async () => {
    server = await startServer({ args: ['--sandbox', driver] });
    s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  after(async () => {
    s3.destroy();
    await server.dispose();
  });

  test('an uploaded photo gets a 200-px-wide JPEG thumbnail', async () => {
    const deployed = await nimbus(['deploy', EXAMPLE, '--name', 'thumbnail', '--handler', 'index.handler', '--memory', '512', '--timeout', '30', '--endpoint', server.url]);
    assert.equal(deployed.code, 0, deployed.stderr);
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'photos-thumbnails' }));
    const notification = JSON.parse(readFileSync(path.join(EXAMPLE, 'notification.json'), 'utf8')) as NotificationConfiguration;
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'photos', NotificationConfiguration: notification }));

    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c86432' } }).jpeg({ quality: 90 }).toBuffer();
    await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'holiday/cat photo.jpg', Body: photo, ContentType: 'image/jpeg' }));
    await waitUntilObjectExists({ client: s3, maxWaitTime: 60, minDelay: 1 }, { Bucket: 'photos-thumbnails', Key: 'holiday/cat photo.jpg' })
      .catch(async (err: unknown) => {
        const logs = await nimbus(['logs', 'thumbnail', '--endpoint', server.url]);
        throw new Error(`no thumbnail (${String(err)}); function log:\n${logs.stdout}${logs.stderr}\nplatform:\n${server.output()}`);
      });
    const thumbnail = await s3.send(new GetObjectCommand({ Bucket: 'photos-thumbnails', Key: 'holiday/cat photo.jpg' }));
    assert.equal(thumbnail.ContentType, 'image/jpeg');
    const metadata = await sharp(Buffer.from(await thumbnail.Body?.transformToByteArray() ?? [])).metadata();
    assert.deepEqual({ format: metadata.format, width: metadata.width, height: metadata.height }, { format: 'jpeg', width: 200, height: 150 });
  });
}

describe('thumbnail example, process sandbox', () => walkThrough('process'));
describe('thumbnail example, bwrap sandbox', { skip: requireBwrap() }, () => walkThrough('bwrap'));
