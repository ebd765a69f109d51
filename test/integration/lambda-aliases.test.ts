// Aliases through the real SDK: CRUD with Lambda's validations and RevisionId, calls
// through an alias (sync, async, function URL) reporting the version that ran, and the
// traffic split by weight over 1,000 calls.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand, CreateFunctionUrlConfigCommand, DeleteAliasCommand, DeleteFunctionCommand, GetAliasCommand, GetFunctionCommand,
  InvokeCommand, ListAliasesCommand, PublishVersionCommand, UpdateAliasCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { arnOf, deployReporter, rejectsWith, run, updateCode } from './versions-support.js';

/** Calls `total` times, `parallel` at a time, and counts the executed versions. */
async function countVersions(lambda: LambdaClient, functionName: string, total: number, parallel: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let started = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (started < total) {
      started++;
      const out = await lambda.send(new InvokeCommand({ FunctionName: functionName }));
      const version = out.ExecutedVersion ?? 'none';
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
  }));
  return counts;
}

describe('aliases', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    logs = logsClient(server);
    // Three versions of `app`: v1 "one", v2 "two", v3 "three".
    await deployReporter(lambda, 'app', 'one');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }));
    await updateCode(lambda, 'app', 'two');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }));
    await updateCode(lambda, 'app', 'three');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }));
  });
  after(async () => {
    logs.destroy();
    await server.dispose();
  });

  test('create, get, list, update with RevisionId, delete', async () => {
    const created = await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '1', Description: 'production' }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.deepEqual([created.AliasArn, created.Name, created.FunctionVersion, created.Description, created.RoutingConfig], [arnOf('app', 'live'), 'live', '1', 'production', undefined]);
    assert.ok(created.RevisionId);
    const got = await lambda.send(new GetAliasCommand({ FunctionName: 'app', Name: 'live' }));
    assert.equal(got.RevisionId, created.RevisionId);

    await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'beta', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '3': 0.5 } } }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'dev', FunctionVersion: '$LATEST' }));
    const all = await lambda.send(new ListAliasesCommand({ FunctionName: 'app' }));
    assert.deepEqual(all.Aliases?.map((a) => a.Name), ['beta', 'dev', 'live']);
    assert.deepEqual(all.Aliases?.[0]?.RoutingConfig, { AdditionalVersionWeights: { '3': 0.5 } });
    assert.deepEqual((await lambda.send(new ListAliasesCommand({ FunctionName: 'app', FunctionVersion: '3' }))).Aliases?.map((a) => a.Name), ['beta']);
    const firstPage = await lambda.send(new ListAliasesCommand({ FunctionName: 'app', MaxItems: 2 }));
    assert.deepEqual(firstPage.Aliases?.map((a) => a.Name), ['beta', 'dev']);
    assert.deepEqual((await lambda.send(new ListAliasesCommand({ FunctionName: 'app', Marker: firstPage.NextMarker }))).Aliases?.map((a) => a.Name), ['live']);

    await rejectsWith(lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '2', RevisionId: 'stale' })), 'PreconditionFailedException', 412);
    const updated = await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '2', RevisionId: created.RevisionId }));
    assert.deepEqual([updated.FunctionVersion, updated.Description], ['2', 'production']);
    assert.notEqual(updated.RevisionId, created.RevisionId);
    const unsplit = await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'beta', RoutingConfig: {} }));
    assert.deepEqual([unsplit.FunctionVersion, unsplit.RoutingConfig], ['2', undefined]);

    assert.equal((await lambda.send(new DeleteAliasCommand({ FunctionName: 'app', Name: 'dev' }))).$metadata.httpStatusCode, 204);
    await rejectsWith(lambda.send(new GetAliasCommand({ FunctionName: 'app', Name: 'dev' })), 'ResourceNotFoundException', 404, `Cannot find alias arn: ${arnOf('app', 'dev')}`);
    await rejectsWith(lambda.send(new DeleteAliasCommand({ FunctionName: 'app', Name: 'dev' })), 'ResourceNotFoundException', 404, `Alias not found: ${arnOf('app', 'dev')}`);
  });

  test('aliases are validated as Lambda validates them', async () => {
    const create = (input: { Name: string; FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights: Record<string, number> } }) =>
      lambda.send(new CreateAliasCommand({ FunctionName: 'app', ...input }));
    await rejectsWith(create({ Name: '123', FunctionVersion: '1' }), 'ValidationException', 400, /Value '123' at 'name'/);
    await rejectsWith(create({ Name: 'x', FunctionVersion: 'one' }), 'ValidationException', 400, /Value 'one' at 'functionVersion'/);
    await rejectsWith(create({ Name: 'x', FunctionVersion: '42' }), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('app', '42')}`);
    await rejectsWith(create({ Name: 'live', FunctionVersion: '1' }), 'ResourceConflictException', 409, `Alias already exists: ${arnOf('app', 'live')}`);
    await rejectsWith(create({ Name: 'x', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } } }), 'InvalidParameterValueException', 400,
      'Number of items in AdditionalVersionWeights cannot be greater than 1');
    await rejectsWith(create({ Name: 'x', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } }), 'ValidationException', 400, /routingConfig.additionalVersionWeights/);
    await rejectsWith(create({ Name: 'x', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }), 'InvalidParameterValueException', 400,
      'Invalid function version 1. Function version 1 is already included in routing configuration.');
    await rejectsWith(create({ Name: 'x', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }), 'InvalidParameterValueException', 400,
      '$LATEST is not supported for an alias pointing to more than 1 version');
    await rejectsWith(create({ Name: 'x', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '77': 0.5 } } }), 'ResourceNotFoundException', 404);
    await rejectsWith(lambda.send(new DeleteFunctionCommand({ FunctionName: 'app', Qualifier: '2' })), 'ResourceConflictException', 409,
      'Unable to delete version because the following aliases reference it: [beta, live]');
  });

  test('a call through an alias runs its version, reports it, and follows the alias when it moves', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'stable', FunctionVersion: '1' }));
    for (const [name, qualifier] of [['app:stable', undefined], ['app', 'stable'], [arnOf('app', 'stable'), undefined]] as const) {
      const ran = await run(lambda, name, qualifier);
      assert.equal(ran.executedVersion, '1');
      assert.deepEqual([ran.report.code, ran.report.version, ran.report.invokedArn], ['one', '1', arnOf('app', 'stable')]);
      assert.match(ran.report.logStream, /^\d{4}\/\d\d\/\d\d\/\[1\][0-9a-f]{32}$/);
    }
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'app', Qualifier: 'stable' }));
    assert.deepEqual([got.Configuration?.FunctionArn, got.Configuration?.Version], [arnOf('app', 'stable'), '1']);
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'stable', FunctionVersion: '3' }));
    assert.equal((await run(lambda, 'app', 'stable')).report.code, 'three');
    await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: 'app', Qualifier: 'nope' })), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('app', 'nope')}`);
  });

  test('weights split 1,000 calls within statistical bounds', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } }));
    const total = 1000;
    const counts = await countVersions(lambda, 'app:canary', total, 8);
    assert.deepEqual([...counts.keys()].sort(), ['1', '2']);
    // Hoeffding: P(|X/n − p| ≥ t) ≤ 2·exp(−2nt²); t for a 1e-6 chance of a false failure.
    const t = Math.sqrt(Math.log(2 / 1e-6) / (2 * total));
    const share = (counts.get('2') ?? 0) / total;
    assert.ok(Math.abs(share - 0.3) < t, `version 2 ran ${share * 100}% of calls; expected 30% ± ${(t * 100).toFixed(1)}%`);
    assert.equal((counts.get('1') ?? 0) + (counts.get('2') ?? 0), total);
  });

  test('an async call and a function URL through an alias run the version it routes to', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'next', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '3': 1 } } }));
    const accepted = await lambda.send(new InvokeCommand({ FunctionName: 'app', Qualifier: 'next', InvocationType: 'Event' }));
    const requestId = accepted.$metadata.requestId ?? '';
    await waitForLogs(logs, 'app', (m) => m.some((line) => line === `START RequestId: ${requestId} Version: 3`));

    const url = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'app', Qualifier: 'next', AuthType: 'NONE' }));
    assert.equal(url.FunctionArn, arnOf('app', 'next'));
    const host = new URL(url.FunctionUrl ?? '').host;
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`${server.url}/`, { headers: { host } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.deepEqual([(JSON.parse(body) as { code: string }).code, (JSON.parse(body) as { version: string }).version], ['three', '3']);
  });
});
