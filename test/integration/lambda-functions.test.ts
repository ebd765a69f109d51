// The function registry through the real AWS SDK against a running `nimbus serve`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient} from '@aws-sdk/client-lambda';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand,
  ListFunctionsCommand, ListTagsCommand, TagResourceCommand, UntagResourceCommand, UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand, paginateListFunctions, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { helloZip, makeZip } from '../helpers/zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/test';

describe('Lambda function registry via @aws-sdk/client-lambda', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('create → waiter → get → update code → update config → delete → 404', async () => {
    const zip = await helloZip();
    const created = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'lifecycle', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip },
      Environment: { Variables: { GREETING: 'hi' } }, Tags: { team: 'core' }, Description: 'first',
    }));
    assert.equal(created.FunctionName, 'lifecycle');
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:lifecycle');
    assert.equal(created.State, 'Pending');
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.CodeSize, zip.length);
    assert.match(created.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const { createHash } = await import('node:crypto');
    assert.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'));

    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20, minDelay: 1 }, { FunctionName: 'lifecycle' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'lifecycle' }));
    assert.equal(got.Configuration?.State, 'Active');
    assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
    assert.notEqual(got.Configuration?.RevisionId, created.RevisionId, 'RevisionId changes on the Pending → Active transition');
    assert.deepEqual(got.Configuration?.Environment?.Variables, { GREETING: 'hi' });
    assert.deepEqual(got.Tags, { team: 'core' });
    assert.equal(got.Code?.RepositoryType, 'S3');
    const download = await fetch(got.Code?.Location ?? '');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip, 'Code.Location serves the uploaded zip');

    const newZip = await helloZip('// v2\n');
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'lifecycle', ZipFile: newZip }));
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    assert.notEqual(updated.CodeSha256, created.CodeSha256);
    assert.notEqual(updated.RevisionId, got.Configuration?.RevisionId);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 20, minDelay: 1 }, { FunctionName: 'lifecycle' });

    const configured = await lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:lifecycle', MemorySize: 256, Timeout: 30, Environment: { Variables: { BB: 'c' } },
    }));
    assert.equal(configured.MemorySize, 256);
    assert.equal(configured.Timeout, 30);
    assert.deepEqual(configured.Environment?.Variables, { BB: 'c' }, 'Environment replaces the whole map');
    assert.equal(configured.CodeSha256, updated.CodeSha256);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 20, minDelay: 1 }, { FunctionName: 'lifecycle' });

    const byPartialArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: '000000000000:function:lifecycle' }));
    assert.equal(byPartialArn.MemorySize, 256);
    const qualified = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'lifecycle', Qualifier: '$LATEST' }));
    assert.equal(qualified.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:lifecycle:$LATEST');

    const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'lifecycle' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'lifecycle' })), (err: Error) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.match(err.message, /Function not found: arn:aws:lambda:us-east-1:000000000000:function:lifecycle/);
      return true;
    });
  });

  test('list pages through more than 50 functions, 50 at most per page, no repeats', async () => {
    const zip = await helloZip();
    const names = Array.from({ length: 57 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
    }
    const first = await lambda.send(new ListFunctionsCommand({}));
    assert.equal(first.Functions?.length, 50);
    assert.ok(first.NextMarker);
    assert.equal(first.Functions?.[0]?.State, undefined, 'list items omit State');
    const seen: string[] = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 20 }, {})) {
      assert.ok((page.Functions?.length ?? 0) <= 20);
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    }
    const pageNames = seen.filter((n) => n.startsWith('page-'));
    assert.deepEqual(pageNames, names);
    assert.equal(new Set(seen).size, seen.length);
  });

  test('tags: add, list, remove', async () => {
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'tagged', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: await helloZip() } }));
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:tagged';
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { a: '1', b: '2' } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['a'] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { b: '2' });
  });

  test('functions are scoped by the region of the request', async () => {
    const west = server.lambda({ region: 'eu-west-1' });
    await west.send(new CreateFunctionCommand({ FunctionName: 'regional', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: await helloZip() } }));
    const got = await west.send(new GetFunctionConfigurationCommand({ FunctionName: 'regional' }));
    assert.equal(got.FunctionArn, 'arn:aws:lambda:eu-west-1:000000000000:function:regional');
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'regional' })), { name: 'ResourceNotFoundException' });
    await assert.rejects(
      lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:regional' })),
      (err: Error) => err.name === 'ResourceNotFoundException' && /not reachable in this region/.test(err.message),
    );
  });

  test('a second create of the same name is a ResourceConflictException', async () => {
    const input = { FunctionName: 'twice', Runtime: 'nodejs20.x' as const, Role: ROLE, Handler: 'index.handler', Code: { ZipFile: await makeZip({ 'index.js': 'exports.handler=()=>1' }) } };
    await lambda.send(new CreateFunctionCommand(input));
    await assert.rejects(lambda.send(new CreateFunctionCommand(input)), { name: 'ResourceConflictException', message: 'Function already exist: twice' });
  });
});
