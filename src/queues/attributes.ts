// Queue attributes: which exist, their defaults and ranges (the SQS model's CreateQueue
// documentation), and their normalised stored form. RedrivePolicy and RedriveAllowPolicy
// are parsed in redrive.ts; whether a dead-letter target exists is the service's check.
import type { QueueRecord } from '../store/queue-ports.js';
import { QueueError } from './errors.js';
import { normaliseRedriveAllowPolicy, parseRedrivePolicy, type RedrivePolicy } from './redrive.js';

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const BOOLEANS = new Set(['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled']);
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  DeduplicationScope: ['queue', 'messageGroup'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
/** Stored as given: Nimbus keeps them for GetQueueAttributes but neither encrypts nor enforces policies. */
const FREE_TEXT = new Set(['Policy', 'KmsMasterKeyId']);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const DERIVED = ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed', 'CreatedTimestamp', 'LastModifiedTimestamp'];

export const STANDARD_DEFAULTS: Readonly<Record<string, string>> = {
  DelaySeconds: '0', MaximumMessageSize: '1048576', MessageRetentionPeriod: '345600', ReceiveMessageWaitTimeSeconds: '0', VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'false',
};
export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  ...STANDARD_DEFAULTS, FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue',
};

/** Every name GetQueueAttributes accepts besides `All`. */
export const QUEUE_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(INTEGER_RANGES), ...BOOLEANS, ...Object.keys(ENUMS), ...FREE_TEXT, ...DERIVED, 'RedrivePolicy', 'RedriveAllowPolicy',
]);

/** What the message paths need of a queue's attributes, as numbers. */
export interface QueueSettings {
  readonly delaySeconds: number;
  readonly maximumMessageSize: number;
  readonly retentionSeconds: number;
  readonly receiveWaitSeconds: number;
  readonly visibilityTimeout: number;
  readonly contentBasedDeduplication: boolean;
  readonly deduplicationScope: 'queue' | 'messageGroup';
  readonly redrive: RedrivePolicy | undefined;
}

export function settingsOf(queue: QueueRecord): QueueSettings {
  const a = queue.attributes;
  const number = (name: string): number => Number(a[name] ?? STANDARD_DEFAULTS[name]);
  return {
    delaySeconds: number('DelaySeconds'), maximumMessageSize: number('MaximumMessageSize'), retentionSeconds: number('MessageRetentionPeriod'),
    receiveWaitSeconds: number('ReceiveMessageWaitTimeSeconds'), visibilityTimeout: number('VisibilityTimeout'),
    contentBasedDeduplication: a.ContentBasedDeduplication === 'true',
    deduplicationScope: a.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
    redrive: a.RedrivePolicy ? parseRedrivePolicy(a.RedrivePolicy) : undefined,
  };
}

function invalidAttribute(name: string, reason: string): QueueError {
  return new QueueError('InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason}`);
}

function normaliseOne(name: string, value: string): string {
  const range = INTEGER_RANGES[name];
  if (range) {
    if (!/^\d{1,10}$/.test(value.trim()) || Number(value) < range[0] || Number(value) > range[1]) {
      throw invalidAttribute(name, `must be an integer from ${range[0]} to ${range[1]} (got '${value}').`);
    }
    return String(Number(value));
  }
  if (BOOLEANS.has(name)) {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw invalidAttribute(name, `must be true or false (got '${value}').`);
    return lower;
  }
  const choices = ENUMS[name];
  if (choices) {
    if (!choices.includes(value)) throw invalidAttribute(name, `must be one of ${choices.join(', ')} (got '${value}').`);
    return value;
  }
  if (name === 'RedrivePolicy') return value === '' ? '' : JSON.stringify(parseRedrivePolicy(value));
  if (name === 'RedriveAllowPolicy') return value === '' ? '' : normaliseRedriveAllowPolicy(value);
  if (name === 'Policy' && value !== '') {
    try {
      JSON.parse(value);
    } catch {
      throw invalidAttribute(name, 'the policy is not valid JSON.');
    }
  }
  return value;
}

/**
 * Validates and normalises attributes given to CreateQueue (`creating`) or
 * SetQueueAttributes. Unknown names, read-only ones and FIFO-only ones on a standard
 * queue are InvalidAttributeName, as on SQS. An empty RedrivePolicy / RedriveAllowPolicy /
 * Policy removes it (returned as '').
 */
export function normaliseAttributes(input: Readonly<Record<string, string>>, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const known = INTEGER_RANGES[name] || BOOLEANS.has(name) || ENUMS[name] || FREE_TEXT.has(name) || name === 'RedrivePolicy' || name === 'RedriveAllowPolicy';
    if (!known || (!fifo && FIFO_ONLY.has(name) && !(name === 'FifoQueue' && value.toLowerCase() === 'false'))) {
      throw new QueueError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    if (name === 'FifoQueue' && !creating) throw invalidAttribute(name, 'Modifying queue type is not supported.');
    out[name] = normaliseOne(name, value);
  }
  return out;
}

/** Cross-attribute rules, checked on the queue's attributes after a change. */
export function checkAttributeCombination(attributes: Readonly<Record<string, string>>): void {
  if (attributes.FifoThroughputLimit === 'perMessageGroupId' && attributes.DeduplicationScope !== 'messageGroup') {
    throw invalidAttribute('FifoThroughputLimit', 'perMessageGroupId is allowed only when DeduplicationScope is messageGroup.');
  }
}

/** Applies normalised changes: '' removes an optional attribute. */
export function applyAttributes(current: Readonly<Record<string, string>>, changes: Readonly<Record<string, string>>): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (value === '' && !INTEGER_RANGES[name]) delete next[name];
    else next[name] = value;
  }
  return next;
}
