// Reads one message per chunk of a job from a queue until every chunk is in, deleting what
// it read. Delivery is at least once, so a chunk may arrive twice: only the first counts.
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});

export async function readJob(queueName, { job, chunks }, context, take) {
  const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
  const seen = new Set();
  while (seen.size < chunks) {
    if (context.getRemainingTimeInMillis() < 5000) throw new Error(`job ${job}: only ${seen.size} of ${chunks} chunks arrived in time`);
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }))).Messages ?? [];
    for (const message of got) {
      const body = JSON.parse(message.Body);
      if (body.job !== job || seen.has(body.chunk)) continue;
      seen.add(body.chunk);
      take(body);
    }
    if (got.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  }
}
