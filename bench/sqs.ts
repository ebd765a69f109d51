// SQS throughput: messages/s through send + receive + delete with @aws-sdk/client-sqs, one
// message at a time and in batches of 10, against a baseline measured in the same run: a
// bare node:http server (its own process, as Nimbus is) answering the same calls with fixed,
// valid SQS responses, driven by the same client and workers. The ratio is what queueing
// durably costs over the HTTP and SDK work every call does anyway. Nothing here is pass/fail.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';

const SECONDS = Number(process.env.BENCH_SQS_SECONDS ?? 5);
const WORKERS = 8;
const BODY = 'bench message';

/** Fixed answers for the operations the loops call, keyed by X-Amz-Target. */
function baselineSource(md5: string): string {
  const message = { MessageId: '00000000-0000-4000-8000-000000000000', ReceiptHandle: 'handle', MD5OfBody: md5, Body: BODY };
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}` }));
  const answers = {
    'AmazonSQS.CreateQueue': { QueueUrl: 'http://127.0.0.1/000000000000/bench' },
    'AmazonSQS.SendMessage': { MessageId: message.MessageId, MD5OfMessageBody: md5 },
    'AmazonSQS.ReceiveMessage': { Messages: [message] },
    'AmazonSQS.DeleteMessage': {},
    'AmazonSQS.SendMessageBatch': { Successful: entries.map((e) => ({ ...e, MessageId: message.MessageId, MD5OfMessageBody: md5 })), Failed: [] },
    'AmazonSQS.ReceiveMessage10': { Messages: entries.map(() => message) },
    'AmazonSQS.DeleteMessageBatch': { Successful: entries, Failed: [] },
  };
  return `const http = require('http'); const answers = ${JSON.stringify(answers)};
http.createServer((q, s) => { const chunks = []; q.on('data', (c) => chunks.push(c)); q.on('end', () => {
  let target = q.headers['x-amz-target'];
  if (target === 'AmazonSQS.ReceiveMessage' && JSON.parse(Buffer.concat(chunks)).MaxNumberOfMessages === 10) target += '10';
  const b = JSON.stringify(answers[target] ?? {});
  s.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(b) }); s.end(b); }); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
}

interface Rate { readonly messagesPerSecond: number }

async function loop(seconds: number, step: () => Promise<number>): Promise<Rate> {
  const until = performance.now() + seconds * 1000;
  let messages = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (performance.now() < until) {
      const done = await step(); // not `messages += await …`: that reads the total before the await
      messages += done;
    }
  }));
  return { messagesPerSecond: messages / ((performance.now() - started) / 1000) };
}

async function measure(endpoint: string): Promise<{ single: Rate; batch: Rate }> {
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
  try {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench', Attributes: { VisibilityTimeout: '60' } }))).QueueUrl ?? '';
    const single = await loop(SECONDS, async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: BODY }));
      const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }))).Messages ?? [];
      for (const m of got) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      return got.length;
    });
    const batch = await loop(SECONDS, async () => {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: BODY })) }));
      const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
      if (got.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle })) }));
      return got.length;
    });
    return { single, batch };
  } finally {
    sqs.destroy();
  }
}

async function withBaseline<T>(run: (endpoint: string) => Promise<T>): Promise<T> {
  // The SDK checks body MD5s, so the baseline answers with the real one.
  const md5 = createHash('md5').update(BODY).digest('hex');
  const child = spawn(process.execPath, ['-e', baselineSource(md5)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    return await run(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
  }
}

/** Runs against the Nimbus at `nimbusUrl` and a baseline of its own; returns RESULTS.md lines. */
export async function sqsBench(nimbusUrl: string): Promise<string[]> {
  const baseline = await withBaseline(measure);
  const nimbus = await measure(nimbusUrl);
  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)} %`;
  const row = (label: string, n: Rate, b: Rate): string =>
    `| ${label} | ${b.messagesPerSecond.toFixed(0)} | ${n.messagesPerSecond.toFixed(0)} | ${pct(n.messagesPerSecond, b.messagesPerSecond)} |`;
  return [
    '\n## SQS: send + receive + delete (SDK v3, 8 concurrent workers)\n',
    `Each message is sent, received and deleted through \`@aws-sdk/client-sqs\`; ${SECONDS} s per run. The baseline is a bare node:http process answering the same calls with fixed SQS responses (no queue, no disk).\n`,
    '| | baseline messages/s | Nimbus messages/s | Nimbus vs. baseline |',
    '|---|---|---|---|',
    row('one message per call', nimbus.single, baseline.single),
    row('batches of 10', nimbus.batch, baseline.batch),
  ];
}
