// SQS queues as async-invocation targets: OnSuccess / OnFailure destinations receive
// Lambda's destination record, DeadLetterConfig.TargetArn receives the discarded event with
// RequestID, ErrorCode and ErrorMessage; both refuse a queue that does not exist.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  InvokeCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { deploy } from '../helpers/functions.js';
import { createQueue } from '../helpers/sqs.js';
import { arnOf, startEsmServer, type EsmServer } from './esm-support.js';

const OK = `exports.handler = async (event) => ({ doubled: event.n * 2 });\n`;
const FAILS = `exports.handler = async () => { throw new Error('nothing works'); };\n`;

let s: EsmServer;
before(async () => {
  s = await startEsmServer();
  await deploy(s.lambda, 'ok', { 'index.js': OK });
  await deploy(s.lambda, 'fails', { 'index.js': FAILS });
});
after(() => s.dispose());

async function receiveOne(url: string, timeoutMs = 15_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    const [message] = got.Messages ?? [];
    if (message) return message;
  }
  throw new Error(`nothing arrived on ${url} in ${timeoutMs} ms`);
}

async function invokeEvent(name: string, payload: unknown): Promise<string> {
  const out = await s.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
  assert.equal(out.StatusCode, 202);
  return out.$metadata.requestId ?? '';
}

interface DestinationRecord {
  version: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload: Record<string, unknown>;
}

test('OnSuccess and OnFailure destinations that are queues receive the destination record', async () => {
  const successes = await createQueue(s.sqs, 'successes');
  const failures = await createQueue(s.sqs, 'failures');
  await s.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'ok', DestinationConfig: { OnSuccess: { Destination: arnOf('successes') } } }));
  await s.lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'fails', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: arnOf('failures') } },
  }));

  const okId = await invokeEvent('ok', { n: 21 });
  const success = JSON.parse((await receiveOne(successes)).Body ?? '') as DestinationRecord;
  assert.equal(success.version, '1.0');
  assert.deepEqual(success.requestContext, { requestId: okId, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ok:$LATEST', condition: 'Success', approximateInvokeCount: 1 });
  assert.deepEqual(success.requestPayload, { n: 21 });
  assert.deepEqual(success.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
  assert.deepEqual(success.responsePayload, { doubled: 42 });

  const failedId = await invokeEvent('fails', { n: 1 });
  const failure = JSON.parse((await receiveOne(failures)).Body ?? '') as DestinationRecord;
  assert.equal(failure.requestContext.requestId, failedId);
  assert.equal(failure.requestContext.condition, 'RetriesExhausted');
  assert.deepEqual(failure.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  assert.equal(failure.responsePayload.errorMessage, 'nothing works');
});

test('a dead-letter queue receives the discarded event with RequestID, ErrorCode and ErrorMessage', async () => {
  const dlq = await createQueue(s.sqs, 'fails-dlq');
  await s.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fails', DeadLetterConfig: { TargetArn: arnOf('fails-dlq') } }));
  await waitUntilFunctionUpdatedV2({ client: s.lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'fails' });
  const requestId = await invokeEvent('fails', { order: 7 });
  const message = await receiveOne(dlq);
  assert.deepEqual(JSON.parse(message.Body ?? ''), { order: 7 });
  assert.deepEqual(message.MessageAttributes, {
    RequestID: { DataType: 'String', StringValue: requestId },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: 'nothing works' },
  });
});

test('a destination or dead-letter queue that does not exist is refused', async () => {
  const destination = await s.lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'ok', DestinationConfig: { OnSuccess: { Destination: arnOf('nowhere') } },
  })).then(() => undefined, (err: Error) => err);
  assert.equal(destination?.name, 'InvalidParameterValueException');
  assert.equal(destination?.message, `DestinationConfig.OnSuccess.Destination: The destination ARN ${arnOf('nowhere')} is invalid or does not exist.`);
  const deadLetter = await s.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ok', DeadLetterConfig: { TargetArn: arnOf('nowhere') } }))
    .then(() => undefined, (err: Error) => err);
  assert.equal(deadLetter?.name, 'InvalidParameterValueException');
  assert.match(deadLetter?.message ?? '', /^DeadLetterConfig\.TargetArn: /);
});
