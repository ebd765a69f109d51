// Sends a failure record to a mapping's OnFailure destination, an SQS queue of the
// platform, through its message service as any sender would (so its size limit, its
// delivery delay and its FIFO rules apply). A FIFO queue gets the records in one message
// group, in the order they failed.
import { randomUUID } from 'node:crypto';
import type { MessageService } from '../../queues/message-service.js';
import { parseQueueArn } from '../../queues/names.js';

export function failureQueueSender(messages: Pick<MessageService, 'send'>): (queueArn: string, body: string) => Promise<void> {
  return async (queueArn, body) => {
    const key = parseQueueArn(queueArn);
    if (key === undefined) throw new Error(`'${queueArn}' is not an SQS queue ARN`);
    const fifo = key.name.endsWith('.fifo');
    await messages.send(key, { body, ...(fifo ? { groupId: 'event-source-failures', deduplicationId: randomUUID() } : {}) }, key.account);
  };
}
