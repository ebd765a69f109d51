// The mapped worker: an event source mapping hands it batches of corpus chunks from the
// input queue. It counts the words of each chunk and sends one partial count per chunk to
// the results queue (named in the message), in one SendMessageBatch. Chunks whose partial
// could not be sent are reported as batch item failures, so only they come back.
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { analyse } from './words.mjs';

const sqs = new SQSClient({});
const urls = new Map();

async function urlOf(queueName) {
  if (!urls.has(queueName)) urls.set(queueName, (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl);
  return urls.get(queueName);
}

export const handler = async (event) => {
  const failures = [];
  const byQueue = new Map();
  for (const record of event.Records) {
    const { job, chunk, results, passes, text } = JSON.parse(record.body);
    const partial = { job, chunk, counts: Object.fromEntries(analyse(text, passes)) };
    byQueue.set(results, [...(byQueue.get(results) ?? []), { record, partial }]);
  }
  for (const [results, items] of byQueue) {
    const sent = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: await urlOf(results),
      Entries: items.map(({ partial }, i) => ({ Id: String(i), MessageBody: JSON.stringify(partial) })),
    }));
    for (const failed of sent.Failed ?? []) failures.push({ itemIdentifier: items[Number(failed.Id)].record.messageId });
  }
  return { batchItemFailures: failures };
};
