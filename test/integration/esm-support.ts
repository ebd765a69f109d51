// Shared by the event source mapping tests: a server with Lambda and SQS clients, and a
// recording function that sends what it was invoked with (and when it ran) to a sink
// queue, through the plain AWS SDK from inside its sandbox, so tests read back exactly
// what the function saw.
import {
  CreateEventSourceMappingCommand, GetEventSourceMappingCommand, type CreateEventSourceMappingCommandInput, type CreateEventSourceMappingCommandOutput,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deploy, type DeployOptions } from '../helpers/functions.js';
import { startServer, type RunningServer, type StartOptions } from '../helpers/server.js';
import { createQueue, sqsClient } from '../helpers/sqs.js';

export const ACCOUNT = '000000000000';
export const arnOf = (queue: string): string => `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`;

/**
 * Records each invocation on the queue named by SINK: `{requestId, started, ended, event}`.
 * SLEEP_MS makes each invocation last that long. A batch holding a body 'fail' throws
 * after recording; with MODE=partial the response reports every record whose body starts
 * with 'bad' as failed; MODE=garbage answers with an id that is in no batch.
 */
export const RECORDER = `import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const sink = (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.SINK }))).QueueUrl;
export const handler = async (event, context) => {
  const started = Date.now();
  if (process.env.SLEEP_MS) await new Promise((r) => setTimeout(r, Number(process.env.SLEEP_MS)));
  const ended = Date.now();
  await sqs.send(new SendMessageCommand({ QueueUrl: sink, MessageBody: JSON.stringify({ requestId: context.awsRequestId, started, ended, event }) }));
  if (event.Records?.some((r) => r.body === 'fail')) throw new Error('batch failed on purpose');
  if (process.env.MODE === 'partial') {
    return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({ itemIdentifier: r.messageId })) };
  }
  if (process.env.MODE === 'garbage') return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
  return { ok: true };
};
`;

export interface Recorded {
  readonly requestId: string;
  readonly started: number;
  readonly ended: number;
  readonly event: { Records?: SqsEventRecord[] } & Record<string, unknown>;
}

export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfMessageAttributes?: string;
  readonly md5OfBody: string;
  readonly eventSource: string;
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface EsmServer {
  readonly server: RunningServer;
  readonly lambda: ReturnType<RunningServer['lambda']>;
  readonly sqs: SQSClient;
  dispose(): Promise<void>;
}

export async function startEsmServer(options: StartOptions = {}): Promise<EsmServer> {
  const server = await startServer(options);
  const sqs = sqsClient(server);
  return {
    server, lambda: server.lambda(), sqs,
    async dispose() {
      sqs.destroy();
      await server.dispose();
    },
  };
}

/** Deploys the recorder writing to a new sink queue of the same name plus `-sink`; returns the sink's URL. */
export async function deployRecorder(s: EsmServer, name: string, env: Record<string, string> = {}, options: DeployOptions = {}): Promise<string> {
  const sinkUrl = await createQueue(s.sqs, `${name}-sink`);
  await deploy(s.lambda, name, { 'index.mjs': RECORDER }, { timeout: 10, ...options, environment: { SINK: `${name}-sink`, ...env } });
  return sinkUrl;
}

export async function createMapping(s: EsmServer, input: CreateEventSourceMappingCommandInput): Promise<CreateEventSourceMappingCommandOutput> {
  return s.lambda.send(new CreateEventSourceMappingCommand(input));
}

/** Polls GetEventSourceMapping until the state is `state`. */
export async function waitForState(s: EsmServer, uuid: string, state: string, timeoutMs = 10_000): Promise<EventSourceMappingConfiguration> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await s.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    if (got.State === state) return got;
    if (Date.now() > deadline) throw new Error(`mapping ${uuid} is ${got.State}, not ${state}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Takes `count` records from a sink queue (deleting nothing: a sink is read once), or fails after `timeoutMs`. */
export async function readSink(s: EsmServer, sinkUrl: string, count: number, timeoutMs = 20_000): Promise<Recorded[]> {
  const out: Recorded[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    if (Date.now() > deadline) throw new Error(`the sink got ${out.length} of ${count} records in ${timeoutMs} ms`);
    const got = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: sinkUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 3600 }));
    for (const m of got.Messages ?? []) out.push(JSON.parse(m.Body ?? '{}') as Recorded);
  }
  return out;
}

/** Visible plus in-flight messages of a queue. */
export async function queueDepth(s: EsmServer, url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await s.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return { visible: Number(out.Attributes?.ApproximateNumberOfMessages), inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

/** Polls until the queue holds no message at all (visible or in flight). */
export async function waitUntilEmpty(s: EsmServer, url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const depth = await queueDepth(s, url);
    if (depth.visible + depth.inFlight === 0) return;
    if (Date.now() > deadline) throw new Error(`queue still holds ${JSON.stringify(depth)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
