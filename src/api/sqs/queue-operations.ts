// SQS operations on queues: create, delete, look up, list, attributes, tags, purge.
import { QueueError } from '../../queues/errors.js';
import type { QueueService } from '../../queues/queue-service.js';
import { parseInput } from './wire.js';
import { nonEmpty, onQueue, type SqsOperation } from './operation.js';
import { queueUrl } from './queue-url.js';

const ACCOUNT_ID = /^\d{12}$/;

export function queueOperations(queues: QueueService): Record<string, SqsOperation> {
  return {
    async CreateQueue(raw, call) {
      const input = parseInput('CreateQueue', raw);
      const key = { ...call.scope, name: input.QueueName };
      const queue = await queues.create(key, input.Attributes ?? {}, input.tags ?? {});
      return { QueueUrl: queueUrl(call.baseUrl, queue) };
    },
    DeleteQueue: onQueue('DeleteQueue', (key) => queues.delete(key)),
    async GetQueueUrl(raw, call) {
      const input = parseInput('GetQueueUrl', raw);
      const owner = input.QueueOwnerAWSAccountId;
      if (owner !== undefined && !ACCOUNT_ID.test(owner)) throw new QueueError('InvalidParameterValue', `Value ${owner} for parameter QueueOwnerAWSAccountId is invalid. Reason: must be 12 digits.`);
      const queue = await queues.get({ ...call.scope, account: owner ?? call.scope.account, name: input.QueueName });
      return { QueueUrl: queueUrl(call.baseUrl, queue) };
    },
    async ListQueues(raw, call) {
      const input = parseInput('ListQueues', raw);
      const page = await queues.list(call.scope, input.QueueNamePrefix, input.NextToken, input.MaxResults);
      return { QueueUrls: nonEmpty(page.items.map((q) => queueUrl(call.baseUrl, q))), NextToken: page.nextMarker };
    },
    GetQueueAttributes: onQueue('GetQueueAttributes', async (key, input) => ({ Attributes: nonEmpty(await queues.getAttributes(key, input.AttributeNames ?? [])) })),
    SetQueueAttributes: onQueue('SetQueueAttributes', (key, input) => queues.setAttributes(key, input.Attributes)),
    TagQueue: onQueue('TagQueue', (key, input) => queues.tag(key, input.Tags)),
    UntagQueue: onQueue('UntagQueue', (key, input) => queues.untag(key, input.TagKeys)),
    ListQueueTags: onQueue('ListQueueTags', async (key) => ({ Tags: nonEmpty({ ...(await queues.listTags(key)) }) })),
    PurgeQueue: onQueue('PurgeQueue', (key) => queues.purge(key)),
    ListDeadLetterSourceQueues: onQueue('ListDeadLetterSourceQueues', async (key, input, call) => {
      const page = await queues.deadLetterSources(key, input.NextToken, input.MaxResults);
      // `queueUrls` is lower-case in the model; it is required, so sent even when empty.
      return { queueUrls: page.items.map((q) => queueUrl(call.baseUrl, q)), NextToken: page.nextMarker };
    }),
  };
}
