// Queues as SQS manages them: create (idempotent when the attributes given match),
// delete, list, attributes, tags, purge and dead-letter sources. Messages are
// message-service.ts's. Queues are named by QueueKey (account, region, name); the API
// layer turns queue URLs into keys, event source mappings turn ARNs into keys.
import type { ListPage } from '../store/ports.js';
import type { QueueKey, QueueRecord, QueueRepository } from '../store/queue-ports.js';
import type { Scope } from '../store/records.js';
import type { Clock } from '../util/time.js';
import { FIFO_DEFAULTS, QUEUE_ATTRIBUTE_NAMES, STANDARD_DEFAULTS, applyAttributes, checkAttributeCombination, normaliseAttributes, settingsOf } from './attributes.js';
import { QueueError, invalidValue, queueDoesNotExist } from './errors.js';
import { checkQueueName, isQueueName, parseQueueArn, queueArn } from './names.js';
import { checkRedriveAllowed, parseRedrivePolicy } from './redrive.js';
import type { ArrivalSignals } from './signals.js';
import { checkTagCount, checkTags } from './tags.js';

export interface QueueServiceDeps {
  readonly repository: QueueRepository;
  readonly clock: Clock;
  readonly signals: ArrivalSignals;
}

const PURGE_INTERVAL_MS = 60_000;
const MAX_LIST_RESULTS = 1000;

function pageToken(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function afterToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!isQueueName(name)) throw invalidValue('NextToken', token, 'Invalid NextToken value.');
  return name;
}

function maxResultsOf(value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_LIST_RESULTS)) {
    throw invalidValue('MaxResults', value, `MaxResults must be an integer between 1 and ${MAX_LIST_RESULTS}.`);
  }
  return value;
}

export class QueueService {
  readonly #repo: QueueRepository;
  readonly #clock: Clock;
  readonly #signals: ArrivalSignals;

  constructor(deps: QueueServiceDeps) {
    this.#repo = deps.repository;
    this.#clock = deps.clock;
    this.#signals = deps.signals;
  }

  async create(key: QueueKey, attributes: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): Promise<QueueRecord> {
    const fifo = attributes.FifoQueue?.toLowerCase() === 'true';
    checkQueueName(key.name, fifo);
    const given = normaliseAttributes(attributes, fifo, true);
    const full = applyAttributes(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS, given);
    if (!fifo) delete full.FifoQueue;
    checkAttributeCombination(full);
    checkTags(tags);
    checkTagCount(key.name, tags);
    const existing = await this.#repo.get(key);
    if (existing) return this.#sameQueue(existing, given);
    if (given.RedrivePolicy) await this.#checkRedrive(key, fifo, given.RedrivePolicy);
    const now = this.#clock();
    const created = await this.#repo.create({ ...key, fifo, attributes: full, tags, createdAt: now, lastModified: now });
    if (created) return created;
    const raced = await this.#repo.get(key); // created by a concurrent request since the get above
    if (!raced) throw queueDoesNotExist();
    return this.#sameQueue(raced, given);
  }

  /** CreateQueue of an existing name: the queue, when every attribute given has its current value. */
  #sameQueue(existing: QueueRecord, given: Readonly<Record<string, string>>): QueueRecord {
    for (const [name, value] of Object.entries(given)) {
      const current = existing.attributes[name] ?? (name === 'FifoQueue' ? String(existing.fifo) : '');
      if (current !== value) throw new QueueError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${name}`);
    }
    return existing;
  }

  async #checkRedrive(key: QueueKey, fifo: boolean, policyText: string): Promise<void> {
    const policy = parseRedrivePolicy(policyText);
    const target = parseQueueArn(policy.deadLetterTargetArn);
    const dlq = target && target.account === key.account && target.region === key.region ? await this.#repo.get(target) : undefined;
    if (!dlq) throw invalidValue('RedrivePolicy', policyText, 'Dead letter target does not exist.');
    if (dlq.fifo !== fifo) throw invalidValue('RedrivePolicy', policyText, 'Dead-letter queue must be same type of queue as the source.');
    checkRedriveAllowed(dlq.attributes.RedriveAllowPolicy, queueArn(key), policyText);
  }

  /** The queue, or QueueDoesNotExist. */
  async get(key: QueueKey): Promise<QueueRecord> {
    const queue = isQueueName(key.name) ? await this.#repo.get(key) : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** The queue an ARN names, or undefined (event source mappings, destinations). */
  async findByArn(arn: string): Promise<QueueRecord | undefined> {
    const key = parseQueueArn(arn);
    return key ? this.#repo.get(key) : undefined;
  }

  async delete(key: QueueKey): Promise<void> {
    const queue = await this.get(key);
    await this.#repo.delete(queue.id);
    this.#signals.notify(queue.id); // long polls on it end (and report the queue gone)
  }

  /** ListQueues: without maxResults at most 1000 and no token, as SQS. */
  async list(scope: Scope, prefix: string | undefined, nextToken: string | undefined, maxResults: number | undefined): Promise<ListPage<QueueRecord>> {
    const limit = maxResultsOf(maxResults);
    const rows = await this.#repo.list(scope, prefix ?? '', afterToken(nextToken), (limit ?? MAX_LIST_RESULTS) + 1);
    const items = rows.slice(0, limit ?? MAX_LIST_RESULTS);
    const more = limit !== undefined && rows.length > limit;
    return { items, nextMarker: more ? pageToken(items[items.length - 1]?.name ?? '') : undefined };
  }

  async getAttributes(key: QueueKey, names: readonly string[]): Promise<Record<string, string>> {
    for (const name of names) {
      if (name !== 'All' && !QUEUE_ATTRIBUTE_NAMES.has(name)) throw new QueueError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const queue = await this.get(key);
    if (names.length === 0) return {};
    const now = this.#clock();
    const counts = await this.#repo.counts(queue.id, now, now - settingsOf(queue).retentionSeconds * 1000);
    const all: Record<string, string> = {
      QueueArn: queueArn(queue),
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModified / 1000)),
      ...queue.attributes,
    };
    if (names.includes('All')) return all;
    return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]));
  }

  async setAttributes(key: QueueKey, attributes: Readonly<Record<string, string>>): Promise<void> {
    const queue = await this.get(key);
    const changes = normaliseAttributes(attributes, queue.fifo, false);
    const next = applyAttributes(queue.attributes, changes);
    checkAttributeCombination(next);
    if (changes.RedrivePolicy) await this.#checkRedrive(queue, queue.fifo, changes.RedrivePolicy);
    await this.#repo.update(queue.id, { attributes: next, lastModified: this.#clock() });
    this.#signals.notify(queue.id); // a shorter wait or a changed redrive applies to long polls at once
  }

  async listTags(key: QueueKey): Promise<Readonly<Record<string, string>>> {
    return (await this.get(key)).tags;
  }

  async tag(key: QueueKey, tags: Readonly<Record<string, string>>): Promise<void> {
    const queue = await this.get(key);
    checkTags(tags);
    const next = { ...queue.tags, ...tags };
    checkTagCount(queue.name, next);
    await this.#repo.update(queue.id, { tags: next });
  }

  async untag(key: QueueKey, tagKeys: readonly string[]): Promise<void> {
    const queue = await this.get(key);
    const next = { ...queue.tags };
    for (const tagKey of tagKeys) delete next[tagKey];
    await this.#repo.update(queue.id, { tags: next });
  }

  /** Deletes every message; a second purge within 60 s is PurgeQueueInProgress, as on SQS. */
  async purge(key: QueueKey): Promise<void> {
    const queue = await this.get(key);
    const now = this.#clock();
    if (queue.purgedAt !== undefined && now - queue.purgedAt < PURGE_INTERVAL_MS) {
      throw new QueueError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`);
    }
    await this.#repo.purge(queue.id, now);
  }

  /** Queues of the same account and region whose RedrivePolicy targets this one. */
  async deadLetterSources(key: QueueKey, nextToken: string | undefined, maxResults: number | undefined): Promise<ListPage<QueueRecord>> {
    const arn = queueArn(await this.get(key));
    const limit = maxResultsOf(maxResults) ?? MAX_LIST_RESULTS;
    const sources: QueueRecord[] = [];
    let after = afterToken(nextToken);
    for (;;) {
      const page = await this.#repo.list(key, '', after, 500);
      for (const queue of page) {
        if (queue.attributes.RedrivePolicy && parseRedrivePolicy(queue.attributes.RedrivePolicy).deadLetterTargetArn === arn) sources.push(queue);
      }
      if (page.length < 500 || sources.length > limit) break;
      after = page[page.length - 1]?.name;
    }
    const items = sources.slice(0, limit);
    const more = maxResults !== undefined && sources.length > limit;
    return { items, nextMarker: more ? pageToken(items[items.length - 1]?.name ?? '') : undefined };
  }
}
