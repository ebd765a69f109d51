// Asynchronous invocation through the real SDK: durable acceptance, Lambda's retry rules,
// destinations with Lambda's record shape, throttling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand, InvokeCommand, ListFunctionEventInvokeConfigsCommand,
  PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionEventInvokeConfigCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const RECORDER = { 'index.js': 'exports.handler = async (event) => { console.log("RECORD " + JSON.stringify(event)); return "recorded"; };' };
const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

async function invokeAsync(lambda: LambdaClient, name: string, event: unknown): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
  assert.equal(out.StatusCode, 202);
  assert.ok(out.$metadata.requestId);
  return out.$metadata.requestId;
}

interface DestinationRecord {
  version: string;
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: Record<string, unknown>;
  responsePayload?: { errorType?: string; errorMessage?: string } & Record<string, unknown>;
}

function records(messages: string[]): DestinationRecord[] {
  return messages.filter((m) => m.includes('\tRECORD ')).map((m) => JSON.parse(m.slice(m.indexOf('RECORD ') + 7)) as DestinationRecord);
}

interface Platform { server: RunningServer; lambda: LambdaClient; logs: CloudWatchLogsClient }

/** A server with a `recorder` function that logs every event it gets, for the enclosing suite. */
function platformWithRecorder(args: string[]): Platform {
  const p = {} as Platform;
  before(async () => {
    p.server = await startServer({ args });
    p.lambda = p.server.lambda();
    p.logs = logsClient(p.server);
    await deploy(p.lambda, 'recorder', RECORDER);
  });
  after(async () => {
    p.logs.destroy();
    await p.server.dispose();
  });
  return p;
}

describe('async invocation', () => {
  const p = platformWithRecorder(['--async-retry-delays-seconds', '0.2,0.3']);

  test('Event returns 202 and the handler runs with the same request id; OnSuccess gets the record', async () => {
    await deploy(p.lambda, 'ok-async', { 'index.js': 'exports.handler = async (event, context) => ({ echoed: event, id: context.awsRequestId });' });
    await p.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'ok-async', DestinationConfig: { OnSuccess: { Destination: arn('recorder') } } }));
    const id = await invokeAsync(p.lambda, 'ok-async', { job: 7 });
    const seen = await waitForLogs(p.logs, 'recorder', (m) => records(m).some((r) => r.requestContext?.requestId === id));
    const record = records(seen).find((r) => r.requestContext?.requestId === id);
    assert.equal(record?.version, '1.0');
    assert.match(String(record?.timestamp), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(record?.requestContext, { requestId: id, functionArn: `${arn('ok-async')}:$LATEST`, condition: 'Success', approximateInvokeCount: 1 });
    assert.deepEqual(record?.requestPayload, { job: 7 });
    assert.deepEqual(record?.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(record?.responsePayload, { echoed: { job: 7 }, id });
  });

  test('a failing function is retried MaximumRetryAttempts times, then OnFailure gets RetriesExhausted', async () => {
    await deploy(p.lambda, 'always-fails', { 'index.js': 'exports.handler = async () => { throw new Error("nope"); };' });
    await p.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'always-fails', DestinationConfig: { OnFailure: { Destination: arn('recorder') } } }));
    const id = await invokeAsync(p.lambda, 'always-fails', { try: 'me' });
    const seen = await waitForLogs(p.logs, 'recorder', (m) => records(m).some((r) => r.requestContext?.requestId === id));
    const record = records(seen).find((r) => r.requestContext?.requestId === id);
    assert.equal(record?.requestContext.condition, 'RetriesExhausted');
    assert.equal(record?.requestContext.approximateInvokeCount, 3);
    assert.deepEqual(record?.requestPayload, { try: 'me' });
    assert.deepEqual(record?.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record?.responsePayload?.errorType, 'Error');
    assert.equal(record?.responsePayload?.errorMessage, 'nope');
    const attempts = (await waitForLogs(p.logs, 'always-fails', (m) => m.filter((l) => l.startsWith(`START RequestId: ${id}`)).length >= 3))
      .filter((l) => l.startsWith(`START RequestId: ${id}`));
    assert.equal(attempts.length, 3, 'the first attempt and two retries, all with the same request id');
  });

  test('MaximumRetryAttempts 0 means one attempt; the config API round-trips', async () => {
    await deploy(p.lambda, 'fails-once', { 'index.js': 'exports.handler = async () => { throw new Error("once"); };' });
    const put = await p.lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'fails-once', MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Destination: arn('recorder') } },
    }));
    assert.equal(put.FunctionArn, `${arn('fails-once')}:$LATEST`);
    assert.ok(put.LastModified instanceof Date);
    const updated = await p.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'fails-once', MaximumEventAgeInSeconds: 7200 }));
    assert.equal(updated.MaximumRetryAttempts, 0, 'Update merges');
    assert.equal(updated.MaximumEventAgeInSeconds, 7200);
    const got = await p.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'fails-once' }));
    assert.equal(got.DestinationConfig?.OnFailure?.Destination, arn('recorder'));
    const listed = await p.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fails-once' }));
    assert.equal(listed.FunctionEventInvokeConfigs?.length, 1);
    const id = await invokeAsync(p.lambda, 'fails-once', {});
    await waitForLogs(p.logs, 'recorder', (m) => records(m).some((r) => r.requestContext?.requestId === id));
    const starts = (await waitForLogs(p.logs, 'fails-once', (m) => m.some((l) => l.startsWith('REPORT')))).filter((l) => l.startsWith(`START RequestId: ${id}`));
    assert.equal(starts.length, 1);
  });

  test('event invoke config input is validated', async () => {
    const bad = async (input: Record<string, unknown>, message: RegExp): Promise<void> => {
      await assert.rejects(p.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'ok-async', ...input })), (err: Error) => {
        assert.equal(err.name, 'InvalidParameterValueException', err.message);
        assert.match(err.message, message);
        return true;
      });
    };
    await bad({ MaximumRetryAttempts: 3 }, /MaximumRetryAttempts/);
    await bad({ MaximumEventAgeInSeconds: 30 }, /MaximumEventAgeInSeconds/);
    await bad({}, /at least one of error handling or destination/);
    await bad({ DestinationConfig: { OnSuccess: { Destination: arn('ok-async') } } }, /destination for itself/);
    // A queue destination must name an existing queue, as Lambda checks when the config is put.
    await bad({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:q' } } }, /arn:aws:sqs:us-east-1:000000000000:q is invalid or does not exist/);
    await p.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'ok-async' }));
    await assert.rejects(p.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'ok-async' })), (err: Error) => err.name === 'ResourceNotFoundException' && /doesn't have an EventInvokeConfig/.test(err.message));
  });

  test("a throttled function's events wait and all complete when capacity frees", async () => {
    await deploy(p.lambda, 'narrow', { 'index.js': 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, 150)); console.log("DONE " + e.n); return e.n; };' });
    await p.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'narrow', ReservedConcurrentExecutions: 1 }));
    await Promise.all(Array.from({ length: 12 }, (_, n) => invokeAsync(p.lambda, 'narrow', { n })));
    const done = await waitForLogs(p.logs, 'narrow', (m) => new Set(m.filter((l) => l.includes('\tDONE ')).map((l) => l.split('DONE ')[1])).size === 12, 30_000);
    assert.equal(new Set(done.filter((l) => l.includes('\tDONE ')).map((l) => l.split('DONE ')[1])).size, 12);
  });

  test('nimbus events lists failed events with attempts and the last error', async () => {
    const res = await fetch(`${p.server.url}/nimbus/v1/events?function=always-fails&status=failed`);
    const body = (await res.json()) as { Events: { Status: string; Attempts: number; LastError: string }[] };
    assert.equal(body.Events[0]?.Status, 'failed');
    assert.equal(body.Events[0]?.Attempts, 3);
    assert.match(body.Events[0]?.LastError ?? '', /nope/);
    const cli = await nimbus(['events', 'always-fails', '--status', 'failed', '--endpoint', p.server.url]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /REQUEST-ID\s+FUNCTION\s+STATUS\s+ATTEMPTS/);
    assert.match(cli.stdout, /always-fails\s+failed\s+3\s+3\s/);
    const bad = await nimbus(['events', '--status', 'lost', '--endpoint', p.server.url]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--status must be one of/);
  });
});

describe('async invocation: event age', () => {
  // A retry delay longer than the maximum event age: the first failure exhausts the age.
  const p = platformWithRecorder(['--async-retry-delays-seconds', '120']);

  test('an event that cannot be retried within MaximumEventAgeInSeconds goes to OnFailure as EventAgeExceeded', async () => {
    await deploy(p.lambda, 'slow-to-recover', { 'index.js': 'exports.handler = async () => { throw new Error("later"); };' });
    await p.lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'slow-to-recover', MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: arn('recorder') } },
    }));
    const id = await invokeAsync(p.lambda, 'slow-to-recover', { a: 1 });
    const seen = await waitForLogs(p.logs, 'recorder', (m) => records(m).some((r) => r.requestContext?.requestId === id));
    const record = records(seen).find((r) => r.requestContext?.requestId === id);
    assert.equal(record?.requestContext.condition, 'EventAgeExceeded');
    assert.equal(record?.requestContext.approximateInvokeCount, 1);
  });
});
