// Queue tags: at most 50 per queue, keys 1-128 and values 0-256 characters, no `aws:` keys.
import { QueueError } from './errors.js';

export const MAX_TAGS = 50;

export function checkTags(tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw new QueueError('InvalidParameterValue', `Tag keys must be 1 to 128 characters long (got '${key}').`);
    if (/^aws:/i.test(key)) throw new QueueError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for use by AWS (got '${key}').`);
    if (value.length > 256) throw new QueueError('InvalidParameterValue', `Tag values must be at most 256 characters long (the value of '${key}' has ${value.length}).`);
  }
}

export function checkTagCount(queueName: string, tags: Readonly<Record<string, string>>): void {
  if (Object.keys(tags).length > MAX_TAGS) throw new QueueError('OverLimit', `Too many tags added for queue ${queueName}.`);
}
