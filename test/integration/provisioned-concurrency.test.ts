// Provisioned concurrency through the real SDK and real sandboxes: instances initialised
// before any traffic (their first call has no INIT), spill-over to on-demand instances,
// release on delete, FAILED on an INIT error, Lambda's rules, and re-provisioning after a
// restart.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand, DeleteAliasCommand, DeleteProvisionedConcurrencyConfigCommand, GetProvisionedConcurrencyConfigCommand,
  ListProvisionedConcurrencyConfigsCommand, PublishVersionCommand, PutFunctionConcurrencyCommand, PutProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';
import { arnOf, deployReporter, eventually, rejectsWith, run } from './versions-support.js';

/** Live instances of a function, from the admin API (0 when it has none). */
async function liveInstances(server: RunningServer, name: string): Promise<number> {
  const body = (await (await fetch(`${server.url}/nimbus/v1/instances`)).json()) as { functions: { name: string; live: number }[] };
  return body.functions.find((f) => f.name === name)?.live ?? 0;
}

async function settled(lambda: LambdaClient, name: string, qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput> {
  return eventually(`provisioned concurrency of ${name}:${qualifier} to settle`, async () => {
    const got = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }));
    return got.Status === 'IN_PROGRESS' ? undefined : got;
  });
}

/** Deploys a reporting function and publishes it as version 1. */
async function publishedReporter(lambda: LambdaClient, name: string): Promise<void> {
  await deployReporter(lambda, name, name);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
}

describe('provisioned concurrency', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('instances are initialised before traffic; the first call has no INIT; beyond them calls spill over to on-demand', async () => {
    await publishedReporter(lambda, 'warm');
    const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
    assert.equal(put.$metadata.httpStatusCode, 202);
    assert.deepEqual([put.RequestedProvisionedConcurrentExecutions, put.AllocatedProvisionedConcurrentExecutions, put.Status], [2, 0, 'IN_PROGRESS']);
    const ready = await settled(lambda, 'warm', '1');
    const readyAt = Date.now();
    assert.deepEqual([ready.Status, ready.AllocatedProvisionedConcurrentExecutions, ready.AvailableProvisionedConcurrentExecutions], ['READY', 2, 2]);
    assert.match(ready.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(await liveInstances(server, 'warm'), 2, 'both instances are up with no call made yet');

    const first = await run(lambda, 'warm', '1');
    assert.equal(first.report.initType, 'provisioned-concurrency');
    assert.ok(first.report.initAt <= readyAt, 'the handler was initialised before the config said READY');
    assert.doesNotMatch(first.reportLine, /Init Duration/);
    assert.match(first.reportLine, /^REPORT RequestId: /);

    // Three calls at once with two provisioned instances: one runs on an on-demand instance.
    const calls = await Promise.all([1, 2, 3].map(() => run(lambda, 'warm', '1', { sleepMs: 800 })));
    const types = calls.map((c) => c.report.initType).sort();
    assert.deepEqual(types, ['on-demand', 'provisioned-concurrency', 'provisioned-concurrency']);
    const onDemand = calls.find((c) => c.report.initType === 'on-demand');
    assert.match(onDemand?.reportLine ?? '', /Init Duration: \d+\.\d\d ms/);

    const listed = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'warm' }));
    assert.deepEqual(listed.ProvisionedConcurrencyConfigs?.map((c) => [c.FunctionArn, c.Status]), [[arnOf('warm', '1'), 'READY']]);
  });

  test('deleting the config, or the alias it is on, releases the instances', async () => {
    await publishedReporter(lambda, 'release');
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'release', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
    await settled(lambda, 'release', '1');
    assert.equal(await liveInstances(server, 'release'), 2);
    assert.equal((await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'release', Qualifier: '1' }))).$metadata.httpStatusCode, 204);
    await eventually('instances to go', async () => ((await liveInstances(server, 'release')) === 0 ? true : undefined));
    await rejectsWith(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'release', Qualifier: '1' })), 'ProvisionedConcurrencyConfigNotFoundException', 404,
      'No Provisioned Concurrency Config found for this function');

    await lambda.send(new CreateAliasCommand({ FunctionName: 'release', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'release', Qualifier: 'live', ProvisionedConcurrentExecutions: 1 }));
    assert.equal((await settled(lambda, 'release', 'live')).Status, 'READY');
    assert.equal((await run(lambda, 'release', 'live')).report.initType, 'provisioned-concurrency');
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'release', Name: 'live' }));
    await eventually('instances to go', async () => ((await liveInstances(server, 'release')) === 0 ? true : undefined));
  });

  test('a handler that fails during INIT makes the config FAILED with a reason', async () => {
    await deploy(lambda, 'broken', { 'index.js': 'throw new Error("no config file");\nexports.handler = async () => "never";' });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'broken' }));
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'broken', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
    const failed = await settled(lambda, 'broken', '1');
    assert.equal(failed.Status, 'FAILED');
    assert.match(failed.StatusReason ?? '', /INIT/);
  });

  test("Lambda's rules: published versions only, alias or version, within reserved and account concurrency", async () => {
    await publishedReporter(lambda, 'rules');
    const put = (qualifier: string | undefined, n: number) =>
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: qualifier, ProvisionedConcurrentExecutions: n }));
    await rejectsWith(put('$LATEST', 1), 'InvalidParameterValueException', 400, 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    await rejectsWith(put('5', 1), 'ResourceNotFoundException', 404, `Function not found: ${arnOf('rules', '5')}`);
    await rejectsWith(put('1', 0), 'ValidationException', 400, /Value '0' at 'provisionedConcurrentExecutions'/);
    await rejectsWith(put('1', 100_000), 'InvalidParameterValueException', 400, /greater than account's unreserved concurrency/);
    await rejectsWith(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: '1' })), 'ProvisionedConcurrencyConfigNotFoundException', 404);

    await lambda.send(new CreateAliasCommand({ FunctionName: 'rules', Name: 'live', FunctionVersion: '1' }));
    await put('live', 1);
    await rejectsWith(put('1', 1), 'ResourceConflictException', 409, 'Version is pointed by a Provisioned Concurrency alias');
    await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: 'live' }));
    await put('1', 2);
    await rejectsWith(put('live', 1), 'ResourceConflictException', 409, "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");

    await rejectsWith(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'rules', ReservedConcurrentExecutions: 1 })), 'InvalidParameterValueException', 400,
      "ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2].");
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'rules', ReservedConcurrentExecutions: 2 }));
    await rejectsWith(put('1', 3), 'InvalidParameterValueException', 400, 'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
  });
});

test('a restart provisions the stored configs again before any call', async () => {
  const dataDir = await makeDataDir();
  let server = await startServer({ dataDir, keepDataDir: true });
  try {
    let lambda = server.lambda();
    await publishedReporter(lambda, 'durable');
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'durable', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
    await settled(lambda, 'durable', '1');
    await server.stop();
    server = await startServer({ dataDir });
    lambda = server.lambda();
    assert.equal((await settled(lambda, 'durable', '1')).Status, 'READY');
    assert.equal(await liveInstances(server, 'durable'), 1);
    const first = await run(lambda, 'durable', '1');
    assert.equal(first.report.initType, 'provisioned-concurrency');
    assert.doesNotMatch(first.reportLine, /Init Duration/);
  } finally {
    await server.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
});
