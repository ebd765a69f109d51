// Queue names and ARNs. A name is 1-80 letters, digits, hyphens and underscores; a FIFO
// queue's name ends in `.fifo`, which counts toward the 80.
import type { QueueKey } from '../store/queue-ports.js';
import { QueueError } from './errors.js';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_SUFFIX = '.fifo';
const ARN = /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,75}(?:\.fifo)?|[A-Za-z0-9_-]{1,80})$/;

export function isFifoName(name: string): boolean {
  return name.endsWith(FIFO_SUFFIX);
}

/** Checks a queue name for CreateQueue; `fifo` is the FifoQueue attribute. */
export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo) {
    const base = name.slice(0, -FIFO_SUFFIX.length);
    if (!isFifoName(name) || !NAME.test(base) || name.length > 80) {
      throw new QueueError('InvalidParameterValue', 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
    }
    return;
  }
  if (!NAME.test(name)) {
    throw new QueueError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
}

/** Whether a name can name a queue at all (GetQueueUrl, URLs): no error, just a lookup miss. */
export function isQueueName(name: string): boolean {
  return NAME.test(isFifoName(name) ? name.slice(0, -FIFO_SUFFIX.length) : name) && name.length <= 80;
}

export function queueArn(key: QueueKey): string {
  return `arn:aws:sqs:${key.region}:${key.account}:${key.name}`;
}

/** The queue an ARN names, or undefined when it is not an SQS queue ARN. */
export function parseQueueArn(arn: string): QueueKey | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1] as string, account: match[2] as string, name: match[3] as string };
}
