#!/usr/bin/env node
// Runs one word-count job twice on the same generated corpus and compares:
//   single:     one function (mr-single) reads every chunk from its queue and counts;
//   map-reduce: an event source mapping feeds the chunks to mr-mapper in batches, many at
//               once; mr-reducer combines the partial counts as they arrive.
// It creates the queues and the mapping it needs (the functions are deployed with
// `npx nimbus deploy`, see README.md), sends the corpus, times each variant from the moment
// the chunks are waiting in their queue to the answer, and checks both answers agree.
//
//   node examples/map-reduce/run.mjs [--chunks 40] [--words 100000] [--batch-size 1] [--concurrency 2] [--passes 1] [--json]
// --passes N counts each chunk N times (the extra counts are thrown away): a stand-in for
// heavier analysis per chunk, to see how the two compare as the work per chunk grows.
//
// Talks to AWS_ENDPOINT_URL (default http://127.0.0.1:9000) with the plain AWS SDK.
import { parseArgs } from 'node:util';
import {
  CreateEventSourceMappingCommand, InvokeCommand, LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { chunkText } from './corpus.mjs';

const { values: opts } = parseArgs({
  options: {
    chunks: { type: 'string', default: '40' }, words: { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: '1' }, concurrency: { type: 'string', default: '2' }, passes: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const CHUNKS = Number(opts.chunks);
const WORDS = Number(opts.words);
const PASSES = Number(opts.passes);
const config = {
  endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:9000',
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' },
};
const lambda = new LambdaClient(config);
const sqs = new SQSClient(config);
const log = (line) => {
  if (!opts.json) console.log(line);
};

async function queue(name) {
  // Chunks wait in flight while a mapper works on them: a generous visibility timeout.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '120' } }));
  return { name, url: QueueUrl, arn: `arn:aws:sqs:${config.region}:${QueueUrl.split('/').at(-2)}:${name}` };
}

/** The input queue's mapping to mr-mapper, created or updated to these settings and left disabled. */
async function parkedMapping(input) {
  const settings = {
    BatchSize: Number(opts['batch-size']), FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: Number(opts.concurrency) }, Enabled: false,
  };
  const existing = (await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: input.arn, FunctionName: 'mr-mapper' }))).EventSourceMappings ?? [];
  if (existing[0]) return (await lambda.send(new UpdateEventSourceMappingCommand({ UUID: existing[0].UUID, ...settings }))).UUID;
  return (await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: input.arn, FunctionName: 'mr-mapper', ...settings }))).UUID;
}

/** Sends one message per chunk, in batches of up to 10 messages and SQS's 1 MiB per batch. */
async function sendCorpus(target, job, extra) {
  let entries = [];
  let size = 0;
  const flush = async () => {
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: target.url, Entries: entries }));
    if ((out.Failed ?? []).length > 0) throw new Error(`sending the corpus failed: ${JSON.stringify(out.Failed)}`);
    entries = [];
    size = 0;
  };
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const body = JSON.stringify({ job, chunk, passes: PASSES, text: chunkText(chunk, WORDS), ...extra });
    if (entries.length === 10 || size + Buffer.byteLength(body) > 1_000_000) await flush();
    entries.push({ Id: String(entries.length), MessageBody: body });
    size += Buffer.byteLength(body);
  }
  if (entries.length > 0) await flush();
}

async function invoke(name, payload) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  const result = JSON.parse(Buffer.from(out.Payload ?? []).toString() || 'null');
  if (out.FunctionError) throw new Error(`${name} failed: ${JSON.stringify(result)}`);
  return result;
}

const [input, results, singleInput] = await Promise.all([queue('mr-input'), queue('mr-results'), queue('mr-single-input')]);
const uuid = await parkedMapping(input);
const job = `job-${Date.now().toString(36)}`;
const bytes = Array.from({ length: CHUNKS }, (_, i) => Buffer.byteLength(chunkText(i, WORDS))).reduce((a, b) => a + b, 0);
log(`corpus: ${CHUNKS} chunks × ${WORDS} words = ${(CHUNKS * WORDS).toLocaleString('en-US')} words, ${(bytes / 2 ** 20).toFixed(1)} MiB; ${PASSES} pass(es) per chunk`);

await sendCorpus(singleInput, job, {});
let started = performance.now();
const single = await invoke('mr-single', { job, chunks: CHUNKS, input: singleInput.name });
const singleMs = performance.now() - started;
log(`single function: ${singleMs.toFixed(0)} ms`);

await sendCorpus(input, job, { results: results.name });
started = performance.now();
await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
const reduced = await invoke('mr-reducer', { job, chunks: CHUNKS, results: results.name });
const mapReduceMs = performance.now() - started;
await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
log(`map-reduce (batch size ${opts['batch-size']}, up to ${opts.concurrency} mappers at once): ${mapReduceMs.toFixed(0)} ms`);

const agree = JSON.stringify(single) === JSON.stringify(reduced);
log(`speed-up: ${(singleMs / mapReduceMs).toFixed(2)}×; results ${agree ? 'agree' : 'DIFFER'}`);
log(`${reduced.words.toLocaleString('en-US')} words, ${reduced.distinct} distinct; most frequent: ${reduced.top.map(([w, n]) => `${w} ${n}`).join(', ')}`);
if (opts.json) console.log(JSON.stringify({ corpus: { chunks: CHUNKS, words: WORDS, passes: PASSES, bytes }, single: { ms: singleMs, result: single }, mapReduce: { ms: mapReduceMs, result: reduced } }));
lambda.destroy();
sqs.destroy();
if (!agree) process.exitCode = 1;
