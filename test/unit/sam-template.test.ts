// Reading SAM templates and serverless.yml files into the app model, and planning the
// difference between two models: no platform needed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../src/apps/app-error.js';
import type { DeployContext } from '../../src/apps/app-model.js';
import { planApp } from '../../src/apps/plan.js';
import { readSamTemplate } from '../../src/apps/sam-template.js';
import { readServerlessFile } from '../../src/apps/serverless-file.js';
import { loadTemplate, parseTemplateText } from '../../src/apps/template-file.js';
import { REPO_ROOT } from '../helpers/server.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'apps');
const ctx = (app: string, parameterOverrides: Record<string, string> = {}): DeployContext => ({ app, endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accountId: '000000000000', baseDir: '/srv/app', parameterOverrides });

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.problems;
    throw err;
  }
  assert.fail('expected the template to be refused');
}

test('the SAM fixture becomes functions, a bucket, a queue, a route, a notification, a mapping and a schedule', async () => {
  const file = await loadTemplate(path.join(FIXTURES, 'sam-shop'));
  assert.equal(file.kind, 'sam');
  const { model, notes } = readSamTemplate(file.doc, { ...ctx('shop'), baseDir: path.dirname(file.file) });
  assert.deepEqual(Object.keys(model.functions).sort(), ['shop-CronFn', 'shop-HttpFn', 'shop-ThumbnailFn', 'shop-WorkerFn']);
  const http = model.functions['shop-HttpFn'];
  assert.equal(http?.runtime, 'nodejs20.x'); // from Globals
  assert.equal(http?.codeDir, path.join(FIXTURES, 'sam-shop', 'src'));
  assert.deepEqual(http?.environment, { STAGE: 'dev', GREETING: 'hello', QUEUE_URL: 'http://127.0.0.1:9000/000000000000/shop-JobsQueue', LOG_LEVEL: 'debug' });
  assert.deepEqual(Object.keys(model.buckets), ['shop-uploads']);
  assert.deepEqual(model.queues['shop-JobsQueue']?.attributes, { VisibilityTimeout: '30' });
  assert.deepEqual(Object.values(model.routes), [{ routeKey: 'GET /hello/{name}', function: 'shop-HttpFn' }]);
  assert.deepEqual(Object.values(model.notifications), [{ bucket: 'shop-uploads', function: 'shop-ThumbnailFn', events: ['s3:ObjectCreated:*'], prefix: 'photos/' }]);
  assert.deepEqual(Object.values(model.mappings), [{ function: 'shop-WorkerFn', queue: 'arn:aws:sqs:us-east-1:000000000000:shop-JobsQueue', batchSize: 5, batchingWindowSeconds: undefined, functionResponseTypes: ['ReportBatchItemFailures'], enabled: true }]);
  assert.deepEqual(Object.values(model.schedules).map((s) => [s.name, s.function, s.expression]), [['shop-CronFn-EveryMinute', 'shop-CronFn', 'rate(1 minute)']]);
  assert.ok(notes.some((n) => n.includes('HttpFn.Role')), 'IAM roles are accepted with a note');
});

test('parameter overrides feed Ref and conditions; undeclared or disallowed values are refused', async () => {
  const file = await loadTemplate(path.join(FIXTURES, 'sam-shop', 'template.yaml'));
  const { model } = readSamTemplate(file.doc, ctx('shop', { Stage: 'prod', Greeting: 'hi' }));
  assert.equal(model.functions['shop-HttpFn']?.environment.LOG_LEVEL, 'warn');
  assert.equal(model.functions['shop-HttpFn']?.environment.GREETING, 'hi');
  assert.deepEqual(problemsOf(() => readSamTemplate(file.doc, ctx('shop', { Stage: 'qa', Nope: '1' }))), [
    'parameter Stage=qa is not one of its AllowedValues dev, prod',
    '--parameter-overrides names Nope, which the template does not declare',
  ]);
});

test('unsupported resource types, properties, events and intrinsics are reported by name, all at once', () => {
  const doc = parseTemplateText(`
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      SnapStart: { ApplyOn: PublishedVersions }
      Environment:
        Variables:
          ZONES: !GetAZs ''
      Events:
        Stream:
          Type: DynamoDB
`, 'template.yaml');
  assert.deepEqual(problemsOf(() => readSamTemplate(doc, ctx('bad'))), [
    'Table: resource type AWS::DynamoDB::Table is not supported',
    'Fn: intrinsic function Fn::GetAZs is not supported',
  ]);
  const fixed = parseTemplateText(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: nodejs20.x, SnapStart: {}, Events: { Stream: { Type: DynamoDB } } }
`, 'template.yaml');
  assert.deepEqual(problemsOf(() => readSamTemplate(fixed, ctx('bad'))), [
    'Fn (AWS::Serverless::Function): property SnapStart is not supported',
    'Fn.Events.Stream: event type "DynamoDB" is not supported (Api, HttpApi, S3, SQS, Schedule, ScheduleV2 are)',
  ]);
});

test('short-form tags in every YAML shape read as their long forms', () => {
  const doc = parseTemplateText(`
A: !Ref X
B: !GetAtt Q.Arn
C: !Sub ['\${A}-x', { A: 1 }]
D: !Join
  - '-'
  - [a, !Ref Y]
E: !If [Cond, { Ref: Z }, !Ref AWS::NoValue]
`, 't.yaml');
  assert.deepEqual(doc, {
    A: { Ref: 'X' }, B: { 'Fn::GetAtt': ['Q', 'Arn'] }, C: { 'Fn::Sub': ['${A}-x', { A: 1 }] },
    D: { 'Fn::Join': ['-', ['a', { Ref: 'Y' }]] }, E: { 'Fn::If': ['Cond', { Ref: 'Z' }, { Ref: 'AWS::NoValue' }] },
  });
});

test('serverless.yml maps to the same shape as the SAM template', async () => {
  const file = await loadTemplate(path.join(FIXTURES, 'serverless-shop'));
  assert.equal(file.kind, 'serverless');
  const { model } = readServerlessFile(file.doc, { ...ctx('shopsls'), baseDir: path.dirname(file.file) });
  assert.deepEqual(Object.keys(model.functions).sort(), ['shopsls-dev-cron', 'shopsls-dev-http', 'shopsls-dev-thumbnail', 'shopsls-dev-worker']);
  assert.deepEqual(Object.keys(model.routes), ['GET /sls/{name}']);
  assert.deepEqual(Object.keys(model.buckets), ['shopsls-uploads']);
  assert.deepEqual(Object.keys(model.queues), ['shopsls-jobs']);
  assert.equal(Object.values(model.notifications)[0]?.prefix, 'photos/');
  assert.equal(Object.values(model.mappings)[0]?.queue, 'arn:aws:sqs:us-east-1:000000000000:shopsls-jobs');
  assert.equal(Object.values(model.schedules)[0]?.expression, 'rate(1 minute)');
  assert.equal(model.functions['shopsls-dev-http']?.environment.STAGE, 'dev');
});

test('a plan lists exactly what differs; the same model twice plans nothing', async () => {
  const file = await loadTemplate(path.join(FIXTURES, 'sam-shop'));
  const first = readSamTemplate(file.doc, ctx('shop')).model;
  assert.equal(planApp(undefined, first).changes.filter((c) => c.action === 'create').length, 10);
  assert.deepEqual(planApp(first, readSamTemplate(file.doc, ctx('shop')).model).changes, []);
  const second = readSamTemplate(file.doc, ctx('shop', { Greeting: 'hi' })).model;
  assert.deepEqual(planApp(first, second).changes, [{ action: 'update', kind: 'functions', key: 'shop-HttpFn', fields: ['environment'] }]);
});
