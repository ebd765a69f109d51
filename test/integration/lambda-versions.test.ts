// Published versions through the real SDK: immutable snapshots, preconditions, numbering,
// Publish=true, and qualifiers on every API that takes one (with Lambda's errors).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  CreateFunctionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand,
  InvokeCommand, InvokeWithResponseStreamCommand, ListFunctionsCommand, ListVersionsByFunctionCommand, PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand, TagResourceCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  paginateListVersionsByFunction, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';
import { arnOf, deployReporter, rejectsWith, reporter, run, updateCode, updateConfig } from './versions-support.js';

describe('function versions', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deployReporter(lambda, 'imm', 'one', { environment: { MARK: 'a' } });
  });
  after(async () => server.dispose());

  test('a version is an immutable snapshot: changing $LATEST never changes version 1', async () => {
    const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'imm' }));
    assert.equal(published.$metadata.httpStatusCode, 201);
    assert.equal(published.Version, '1');
    assert.equal(published.FunctionArn, arnOf('imm', '1'));
    assert.equal(published.State, 'Active');
    const sha1 = published.CodeSha256;

    await updateConfig(lambda, 'imm', { mark: 'b', timeout: 10 });
    await updateCode(lambda, 'imm', 'two');

    const v1 = await run(lambda, 'imm', '1');
    assert.equal(v1.executedVersion, '1');
    assert.deepEqual([v1.report.code, v1.report.mark, v1.report.version], ['one', 'a', '1']);
    const config1 = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'imm', Qualifier: '1' }));
    assert.deepEqual([config1.Timeout, config1.Environment?.Variables?.MARK, config1.CodeSha256, config1.Version], [3, 'a', sha1, '1']);

    const latest = await run(lambda, 'imm');
    assert.equal(latest.executedVersion, '$LATEST');
    assert.deepEqual([latest.report.code, latest.report.mark, latest.report.version], ['two', 'b', '$LATEST']);

    const second = await lambda.send(new PublishVersionCommand({ FunctionName: 'imm', Description: 'the second' }));
    assert.deepEqual([second.Version, second.Description, second.Timeout], ['2', 'the second', 10]);
    // Nothing changed since: the same version comes back.
    assert.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'imm' }))).Version, '2');
    const listed = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'imm' }));
    assert.deepEqual(listed.Versions?.map((v) => [v.Version, v.FunctionArn]), [['$LATEST', arnOf('imm', '$LATEST')], ['1', arnOf('imm', '1')], ['2', arnOf('imm', '2')]]);
  });

  test('PublishVersion checks RevisionId and CodeSha256 against $LATEST', async () => {
    const current = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'imm' }));
    await rejectsWith(lambda.send(new PublishVersionCommand({ FunctionName: 'imm', RevisionId: 'not-it' })), 'PreconditionFailedException', 412,
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    await rejectsWith(lambda.send(new PublishVersionCommand({ FunctionName: 'imm', CodeSha256: 'AAAA' })), 'InvalidParameterValueException', 400,
      `CodeSHA256 (AAAA) is different from current CodeSHA256 in $LATEST (${current.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
    await updateConfig(lambda, 'imm', { description: 'changed again' });
    const fresh = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'imm' }));
    const ok = await lambda.send(new PublishVersionCommand({ FunctionName: 'imm', RevisionId: fresh.RevisionId, CodeSha256: fresh.CodeSha256 }));
    assert.equal(ok.Version, '3');
    assert.equal(ok.Description, 'changed again');
  });

  test('Publish=true on CreateFunction and UpdateFunctionCode publishes the new code', async () => {
    const created = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'pub', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'index.handler',
      Code: { ZipFile: await makeZip(reporter('first')) }, Publish: true,
    }));
    assert.deepEqual([created.Version, created.FunctionArn], ['1', arnOf('pub')]);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'pub' });
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'pub', ZipFile: await makeZip(reporter('second')), Publish: true }));
    assert.deepEqual([updated.Version, updated.FunctionArn], ['2', arnOf('pub', '2')]);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'pub' });
    assert.equal((await run(lambda, 'pub', '1')).report.code, 'first');
    assert.equal((await run(lambda, 'pub', '2')).report.code, 'second');
  });

  test('DeleteFunction with a version deletes only it; numbers are never reused', async () => {
    await rejectsWith(lambda.send(new DeleteFunctionCommand({ FunctionName: 'pub', Qualifier: '$LATEST' })), 'InvalidParameterValueException', 400,
      '$LATEST version cannot be deleted without deleting the function.');
    await rejectsWith(lambda.send(new DeleteFunctionCommand({ FunctionName: 'pub', Qualifier: '9' })), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('pub', '9')}`);
    assert.equal((await lambda.send(new DeleteFunctionCommand({ FunctionName: 'pub', Qualifier: '2' }))).$metadata.httpStatusCode, 204);
    await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: 'pub', Qualifier: '2' })), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('pub', '2')}`);
    assert.equal((await run(lambda, 'pub', '1')).report.code, 'first', 'the other version still runs');
    await updateConfig(lambda, 'pub', { timeout: 5 });
    assert.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'pub' }))).Version, '3');
  });

  test('every form of qualifier reaches the version; conflicting or malformed ones are refused', async () => {
    for (const input of [{ FunctionName: 'imm:1' }, { FunctionName: 'imm', Qualifier: '1' }, { FunctionName: arnOf('imm', '1') }, { FunctionName: arnOf('imm'), Qualifier: '1' }]) {
      const got = await lambda.send(new GetFunctionCommand(input));
      assert.deepEqual([got.Configuration?.FunctionArn, got.Configuration?.Version], [arnOf('imm', '1'), '1'], JSON.stringify(input));
      assert.match(got.Code?.Location ?? '', /\/nimbus\/v1\/code\/[0-9a-f]{64}\.zip$/);
    }
    const plain = await lambda.send(new GetFunctionCommand({ FunctionName: 'imm' }));
    assert.deepEqual([plain.Configuration?.FunctionArn, plain.Configuration?.Version], [arnOf('imm'), '$LATEST']);
    assert.equal((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'imm', Qualifier: '$LATEST' }))).FunctionArn, arnOf('imm', '$LATEST'));
    assert.equal((await run(lambda, arnOf('imm', '1'))).report.invokedArn, arnOf('imm', '1'));

    await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: 'imm:1', Qualifier: '2' })), 'InvalidParameterValueException', 400,
      'The derived qualifier from the function name does not match the specified qualifier.');
    await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: 'imm', Qualifier: 'bad!' })), 'ValidationException', 400, /Value 'bad!' at 'qualifier'/);
    await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: 'imm', Qualifier: '7' })), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('imm', '7')}`);
    await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: 'imm:7', InvocationType: 'Event' })), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('imm', '7')}`);
    await rejectsWith(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'imm:1', Timeout: 9 })), 'InvalidParameterValueException', 400, /^This operation is permitted on Lambda functions only/);
    await rejectsWith(lambda.send(new TagResourceCommand({ Resource: arnOf('imm', '1'), Tags: { a: 'b' } })), 'InvalidParameterValueException', 400,
      'Tags on function aliases and versions are not supported. Please specify a function ARN.');
    await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'imm', Qualifier: '1', AuthType: 'NONE' })), 'ValidationException', 400, /at 'qualifier'/);
  });

  test('Invoke reports the executed version on every path: DryRun, Event, streaming, event invoke configs', async () => {
    assert.equal((await lambda.send(new InvokeCommand({ FunctionName: 'imm', Qualifier: '1', InvocationType: 'DryRun' }))).StatusCode, 204);
    assert.equal((await lambda.send(new InvokeCommand({ FunctionName: 'imm', Qualifier: '1', InvocationType: 'Event' }))).StatusCode, 202);
    const streamed = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'imm', Qualifier: '1' }));
    assert.equal(streamed.ExecutedVersion, '1');
    let text = '';
    for await (const event of streamed.EventStream ?? []) if (event.PayloadChunk?.Payload) text += Buffer.from(event.PayloadChunk.Payload).toString();
    assert.equal((JSON.parse(text) as { code: string }).code, 'one');
    const config = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'imm', Qualifier: '1', MaximumRetryAttempts: 0 }));
    assert.equal(config.FunctionArn, arnOf('imm', '1'));
    await rejectsWith(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'imm', Qualifier: '8', MaximumRetryAttempts: 0 })), 'ResourceNotFoundException', 404);
  });

  test('ListVersionsByFunction pages with a marker; ListFunctions FunctionVersion=ALL lists every version', async () => {
    const pages = [];
    for await (const page of paginateListVersionsByFunction({ client: lambda, pageSize: 2 }, { FunctionName: 'imm' })) pages.push(page.Versions?.map((v) => v.Version));
    assert.deepEqual(pages, [['$LATEST', '1'], ['2', '3']]);
    const all = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    const arns = all.Functions?.map((f) => f.FunctionArn) ?? [];
    for (const arn of [arnOf('imm', '$LATEST'), arnOf('imm', '1'), arnOf('imm', '3'), arnOf('pub', '1'), arnOf('pub', '3')]) assert.ok(arns.includes(arn), arn);
    assert.ok(!arns.includes(arnOf('pub', '2')));
    const firstTwo = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2 }));
    const rest = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: firstTwo.NextMarker }));
    assert.deepEqual([...(firstTwo.Functions ?? []), ...(rest.Functions ?? [])].map((f) => f.FunctionArn), arns);
  });
});

test('a version keeps its code through a restart, when $LATEST no longer uses it', async () => {
  const dataDir = await makeDataDir();
  let server = await startServer({ dataDir, keepDataDir: true });
  try {
    let lambda = server.lambda();
    await deployReporter(lambda, 'kept', 'original');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'kept' }));
    await updateCode(lambda, 'kept', 'replacement');
    await server.stop();
    // Start-up collects code no function uses; version 1's must stay.
    server = await startServer({ dataDir });
    lambda = server.lambda();
    assert.equal((await run(lambda, 'kept', '1')).report.code, 'original');
    assert.equal((await run(lambda, 'kept')).report.code, 'replacement');
  } finally {
    await server.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
});
