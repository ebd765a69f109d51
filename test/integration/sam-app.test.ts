// A SAM project deployed unchanged with `nimbus app deploy`: its four triggers fire, a second
// deploy applies exactly the diff, a repeat changes nothing, and a bad template changes nothing.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { nimbus } from '../helpers/cli.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { appCli, assertTriggersFire, copyFixture, deployOk } from './sam-support.js';

let server: RunningServer;
let lambda: LambdaClient;
let dir: string;

before(async () => {
  server = await startServer();
  lambda = server.lambda();
  dir = await copyFixture('sam-shop');
});
after(async () => {
  await server.dispose();
  await rm(path.dirname(dir), { recursive: true, force: true });
});

async function functionNames(): Promise<string[]> {
  const out = await lambda.send(new ListFunctionsCommand({}));
  return (out.Functions ?? []).map((f) => f.FunctionName ?? '').sort();
}

async function scheduleNames(): Promise<string[]> {
  const res = await fetch(`${server.url}/nimbus/v1/schedules`);
  return ((await res.json()) as { schedules: { name: string }[] }).schedules.map((s) => s.name);
}

test('a plan before the first deploy lists every resource and creates nothing', async () => {
  const r = await appCli(server, ['plan', dir, '--app', 'shop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /app shop: 10 change\(s\) planned \(dry run: nothing changed\)/);
  assert.match(r.stdout, /\+ create function shop-HttpFn/);
  assert.match(r.stdout, /\+ create schedule shop-CronFn-EveryMinute/);
  assert.deepEqual(await functionNames(), []);
});

test('the app deploys and its HTTP, S3, SQS and schedule triggers all run their functions', async () => {
  const out = await deployOk(server, [dir, '--app', 'shop']);
  assert.match(out, /app shop: 10 change\(s\) applied/);
  assert.deepEqual(await functionNames(), ['shop-CronFn', 'shop-HttpFn', 'shop-ThumbnailFn', 'shop-WorkerFn']);
  await assertTriggersFire(server, {
    httpPath: '/hello/ana', bucket: 'shop-uploads', queue: 'shop-JobsQueue',
    s3Function: 'shop-ThumbnailFn', sqsFunction: 'shop-WorkerFn', scheduleFunction: 'shop-CronFn',
  });
  assert.match(await deployOk(server, [dir, '--app', 'shop']), /app shop: no changes/, 'a second deploy of the same template changes nothing');
  // `nimbus deploy <app dir>` (no --name) is the same app deploy.
  const plain = await nimbus(['deploy', dir, '--app', 'shop'], { NIMBUS_ENDPOINT: server.url });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /app shop: no changes/);
  const stray = await nimbus(['deploy', dir, '--app', 'shop', '--memory', '256'], { NIMBUS_ENDPOINT: server.url });
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /--memory describe one function/);
});

test('a second deploy with one function removed and one changed applies exactly that diff', async () => {
  const templateFile = path.join(dir, 'template.yaml');
  const template = await readFile(templateFile, 'utf8');
  const cron = template.indexOf('  CronFn:');
  const edited = template.slice(0, cron) + template.slice(template.indexOf('Outputs:'));
  await writeFile(templateFile, edited.replace('Default: hello', 'Default: howdy'));
  const planned = await appCli(server, ['deploy', dir, '--app', 'shop', '--dry-run', '--json']);
  assert.equal(planned.code, 0, planned.stderr);
  assert.deepEqual((JSON.parse(planned.stdout) as { changes: unknown[] }).changes, [
    { action: 'update', kind: 'functions', key: 'shop-HttpFn', fields: ['environment'] },
    { action: 'delete', kind: 'functions', key: 'shop-CronFn' },
    { action: 'delete', kind: 'schedules', key: 'shop-CronFn-EveryMinute' },
  ]);
  assert.ok((await functionNames()).includes('shop-CronFn'), 'a dry run changes nothing');
  await deployOk(server, [dir, '--app', 'shop']);
  assert.deepEqual(await functionNames(), ['shop-HttpFn', 'shop-ThumbnailFn', 'shop-WorkerFn']);
  assert.deepEqual(await scheduleNames(), []);
  assert.equal(await (await fetch(`${server.url}/http/hello/ana`)).text(), 'howdy, ana (dev, debug)');
});

test('an unsupported resource type or an invalid template is reported and changes nothing', async () => {
  const templateFile = path.join(dir, 'template.yaml');
  const good = await readFile(templateFile, 'utf8');
  await writeFile(templateFile, good.replace('Resources:\n', 'Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n').replace('Default: howdy', 'Default: broken'));
  const unsupported = await appCli(server, ['deploy', dir, '--app', 'shop']);
  assert.equal(unsupported.code, 1);
  assert.match(unsupported.stderr, /Orders: resource type AWS::DynamoDB::Table is not supported/);
  await writeFile(templateFile, good.replace('Default: howdy', 'Default: broken').replace('BatchSize: 5', 'BatchSize: [5'));
  const invalid = await appCli(server, ['deploy', dir, '--app', 'shop']);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /template\.yaml is not valid YAML/);
  await writeFile(templateFile, good.replace('Default: howdy', 'Default: broken').replace('Runtime: nodejs20.x', 'Runtime: nodejs4.3'));
  const refused = await appCli(server, ['deploy', dir, '--app', 'shop']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /runtime nodejs4\.3 is not supported/);
  assert.deepEqual(await functionNames(), ['shop-HttpFn', 'shop-ThumbnailFn', 'shop-WorkerFn']);
  assert.equal(await (await fetch(`${server.url}/http/hello/ana`)).text(), 'howdy, ana (dev, debug)', 'the previous app keeps running');
});

test('app delete removes everything the app deployed but a bucket holding objects', async () => {
  await writeFile(path.join(dir, 'template.yaml'), (await readFile(path.join(dir, 'template.yaml'), 'utf8')).replace('Default: broken', 'Default: howdy'));
  const r = await appCli(server, ['delete', 'shop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kept bucket shop-uploads: it still holds objects/, 'a deploy never deletes data');
  assert.deepEqual(await functionNames(), []);
  assert.equal((await fetch(`${server.url}/http/hello/ana`)).status, 404);
});
