// The same app as a Serverless Framework v3 service: `nimbus app deploy` on serverless.yml
// creates its functions, bucket, queue, route, mapping and schedule, and every trigger fires.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { assertTriggersFire, copyFixture, deployOk } from './sam-support.js';

let server: RunningServer;
let dir: string;

before(async () => {
  server = await startServer();
  dir = await copyFixture('serverless-shop');
});
after(async () => {
  await server.dispose();
  await rm(path.dirname(dir), { recursive: true, force: true });
});

test('serverless.yml deploys as service-stage-function and its four triggers fire', async () => {
  const out = await deployOk(server, [dir]);
  assert.match(out, /app shopsls: 10 change\(s\) applied/);
  await assertTriggersFire(server, {
    httpPath: '/sls/ana', bucket: 'shopsls-uploads', queue: 'shopsls-jobs',
    s3Function: 'shopsls-dev-thumbnail', sqsFunction: 'shopsls-dev-worker', scheduleFunction: 'shopsls-dev-cron',
  });
  assert.match(await deployOk(server, [dir]), /app shopsls: no changes/);
});
