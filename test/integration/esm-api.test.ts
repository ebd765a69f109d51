// Create/Get/Update/Delete/ListEventSourceMappings through @aws-sdk/client-lambda: the
// response shape, the states, pagination and every validation error in Lambda's shapes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeleteEventSourceMappingCommand, GetEventSourceMappingCommand, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { createQueue } from '../helpers/sqs.js';
import { HELLO_HANDLER } from '../helpers/zip.js';
import { ACCOUNT, arnOf, createMapping, startEsmServer, waitForState, type EsmServer } from './esm-support.js';

let s: EsmServer;
before(async () => {
  s = await startEsmServer();
  await deploy(s.lambda, 'target', { 'index.js': HELLO_HANDLER });
  await deploy(s.lambda, 'other', { 'index.js': HELLO_HANDLER });
  await createQueue(s.sqs, 'jobs');
  await createQueue(s.sqs, 'more-jobs');
  await createQueue(s.sqs, 'ordered.fifo', { FifoQueue: 'true' });
  await createQueue(s.sqs, 'quick', { VisibilityTimeout: '1' });
});
after(() => s.dispose());

interface LambdaError { name: string; message: string; $metadata: { httpStatusCode?: number } }

async function failure(promise: Promise<unknown>): Promise<LambdaError> {
  try {
    await promise;
  } catch (err) {
    return err as LambdaError;
  }
  throw new Error('the call succeeded');
}

const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:target`;

test('CreateEventSourceMapping answers 202 with the SQS mapping shape; the mapping becomes Enabled', async () => {
  const created = await createMapping(s, {
    FunctionName: 'target', EventSourceArn: arnOf('jobs'), BatchSize: 50, MaximumBatchingWindowInSeconds: 2,
    FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 5 },
  });
  assert.equal(created.$metadata.httpStatusCode, 202);
  assert.match(created.UUID ?? '', /^[0-9a-f-]{36}$/);
  const { $metadata: _m, LastModified, ...rest } = created;
  assert.ok(LastModified instanceof Date && Math.abs(LastModified.getTime() - Date.now()) < 60_000);
  assert.deepEqual(rest, {
    BatchSize: 50, EventSourceArn: arnOf('jobs'), EventSourceMappingArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${created.UUID}`,
    FunctionArn: FN_ARN, FunctionResponseTypes: ['ReportBatchItemFailures'], LastProcessingResult: 'No records processed',
    MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 5 }, State: 'Creating', StateTransitionReason: 'USER_INITIATED',
    UUID: created.UUID,
  });
  const enabled = await waitForState(s, created.UUID ?? '', 'Enabled');
  assert.equal(enabled.BatchSize, 50);

  const duplicate = await failure(createMapping(s, { FunctionName: FN_ARN, EventSourceArn: arnOf('jobs') }));
  assert.equal(duplicate.name, 'ResourceConflictException');
  assert.equal(duplicate.message, `An event source mapping with SQS arn (" ${arnOf('jobs')} ") and function (" target ") already exists. Please update or delete the existing mapping with UUID ${created.UUID}`);

  const updated = await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 5, ScalingConfig: {} }));
  assert.equal(updated.$metadata.httpStatusCode, 202);
  assert.equal(updated.State, 'Updating');
  assert.equal(updated.BatchSize, 5);
  assert.equal(updated.ScalingConfig, undefined, 'an empty ScalingConfig removes the cap');
  assert.equal(updated.MaximumBatchingWindowInSeconds, 2, 'what the update does not name stays');
  assert.deepEqual(updated.FunctionResponseTypes, ['ReportBatchItemFailures']);
  await waitForState(s, created.UUID ?? '', 'Enabled');

  const deleted = await s.lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(deleted.$metadata.httpStatusCode, 202);
  assert.equal(deleted.State, 'Deleting');
  const deadline = Date.now() + 10_000;
  let gone: LambdaError | undefined;
  while (!gone && Date.now() < deadline) {
    gone = await failure(s.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).catch(() => undefined);
    if (!gone) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(gone?.name, 'ResourceNotFoundException');
  assert.equal(gone?.message, `Event source mapping not found: arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${created.UUID}`);
});

test('a mapping created disabled is Disabled at once; a qualified function ARN is kept', async () => {
  const created = await createMapping(s, { FunctionName: `${FN_ARN}:$LATEST`, EventSourceArn: arnOf('ordered.fifo'), Enabled: false });
  assert.equal(created.State, 'Disabled');
  assert.equal(created.FunctionArn, `${FN_ARN}:$LATEST`);
  assert.deepEqual(created.FunctionResponseTypes, []);
  assert.equal(created.BatchSize, 10);
  assert.equal(created.MaximumBatchingWindowInSeconds, 0);
  await s.lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
});

test('ListEventSourceMappings filters by queue and function and pages with Marker', async () => {
  const a = await createMapping(s, { FunctionName: 'other', EventSourceArn: arnOf('jobs'), Enabled: false });
  const b = await createMapping(s, { FunctionName: 'other', EventSourceArn: arnOf('more-jobs'), Enabled: false });
  const c = await createMapping(s, { FunctionName: 'target', EventSourceArn: arnOf('more-jobs'), Enabled: false });
  const byFunction = await s.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'other' }));
  assert.deepEqual(byFunction.EventSourceMappings?.map((m) => m.UUID), [a.UUID, b.UUID]);
  const byQueue = await s.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arnOf('more-jobs') }));
  assert.deepEqual(byQueue.EventSourceMappings?.map((m) => m.UUID), [b.UUID, c.UUID]);
  const first = await s.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arnOf('more-jobs'), MaxItems: 1 }));
  assert.deepEqual(first.EventSourceMappings?.map((m) => m.UUID), [b.UUID]);
  assert.ok(first.NextMarker);
  const second = await s.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arnOf('more-jobs'), MaxItems: 1, Marker: first.NextMarker }));
  assert.deepEqual(second.EventSourceMappings?.map((m) => m.UUID), [c.UUID]);
  assert.equal(second.NextMarker, undefined);
  const badMarker = await failure(s.lambda.send(new ListEventSourceMappingsCommand({ Marker: 'nonsense' })));
  assert.equal(badMarker.name, 'InvalidParameterValueException');
  for (const m of [a, b, c]) await s.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('invalid mappings are refused with the field named, in Lambda error shapes', async () => {
  const base: CreateEventSourceMappingCommandInput = { FunctionName: 'target', EventSourceArn: arnOf('more-jobs') };
  const cases: [CreateEventSourceMappingCommandInput, string, RegExp][] = [
    [{ ...base, BatchSize: 0 }, 'InvalidParameterValueException', /^BatchSize: must be an integer from 1 to 10000 \(got 0\)$/],
    [{ ...base, BatchSize: 10_001, MaximumBatchingWindowInSeconds: 1 }, 'InvalidParameterValueException', /^BatchSize: .*10000 \(got 10001\)$/],
    [{ ...base, BatchSize: 11 }, 'InvalidParameterValueException', /^Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10$/],
    [{ ...base, MaximumBatchingWindowInSeconds: 301 }, 'InvalidParameterValueException', /^MaximumBatchingWindowInSeconds: .*0 to 300/],
    [{ ...base, EventSourceArn: arnOf('ordered.fifo'), BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }, 'InvalidParameterValueException', /^BatchSize: .*1 to 10 \(got 11\)$/],
    [{ ...base, EventSourceArn: arnOf('ordered.fifo'), MaximumBatchingWindowInSeconds: 1 }, 'InvalidParameterValueException', /^MaximumBatchingWindowInSeconds: Batching window is not supported for FIFO queues$/],
    [{ ...base, ScalingConfig: { MaximumConcurrency: 1 } }, 'InvalidParameterValueException', /^ScalingConfig\.MaximumConcurrency: .*2 to 1000/],
    [{ ...base, FunctionResponseTypes: ['Nope' as never] }, 'InvalidParameterValueException', /^FunctionResponseTypes: /],
    [{ ...base, StartingPosition: 'LATEST' }, 'InvalidParameterValueException', /^StartingPosition: is not supported for an SQS event source$/],
    [{ ...base, FilterCriteria: { Filters: [{ Pattern: '{"body":{"a":["1"]}}' }] } }, 'InvalidParameterValueException', /^FilterCriteria: /],
    [{ ...base, EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' }, 'InvalidParameterValueException', /^EventSourceArn: only SQS queues/],
    [{ ...base, EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000' }, 'InvalidParameterValueException', /^EventSourceArn: .* is not an SQS queue ARN/],
    [{ ...base, EventSourceArn: arnOf('no-such-queue') }, 'ResourceNotFoundException', /^Queue not found: /],
    [{ ...base, EventSourceArn: arnOf('quick') }, 'InvalidParameterValueException', /^Queue visibility timeout: 1 seconds is less than Function timeout: 3 seconds$/],
    [{ ...base, FunctionName: 'no-such-function' }, 'ResourceNotFoundException', /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function$/],
    [{ ...base, FunctionName: 'target:nope' }, 'ResourceNotFoundException', /^Function not found: .*:function:target:nope$/],
    [{ EventSourceArn: arnOf('jobs') } as CreateEventSourceMappingCommandInput, 'InvalidParameterValueException', /^FunctionName: is required$/],
  ];
  for (const [input, name, message] of cases) {
    const err = await failure(createMapping(s, input));
    assert.equal(err.name, name, JSON.stringify(input));
    assert.match(err.message, message, JSON.stringify(input));
  }
  const unknown = await failure(s.lambda.send(new GetEventSourceMappingCommand({ UUID: '6a9f6ad3-0000-4000-8000-000000000000' })));
  assert.equal(unknown.name, 'ResourceNotFoundException');
  assert.equal(unknown.$metadata.httpStatusCode, 404);
  const updateUnknown = await failure(s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: '6a9f6ad3-0000-4000-8000-000000000000', BatchSize: 1 })));
  assert.equal(updateUnknown.name, 'ResourceNotFoundException');
  const created = await createMapping(s, { ...base, Enabled: false });
  const badUpdate = await failure(s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 20 })));
  assert.match(badUpdate.message, /^Maximum batch window in seconds must be greater than 0/);
  assert.equal((await s.lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).BatchSize, 10, 'a refused update changes nothing');
  await s.lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
});
