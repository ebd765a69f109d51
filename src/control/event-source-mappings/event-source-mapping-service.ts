// Event source mappings as the Lambda API manages them (lambda-reference §1.4, §1.6):
// create, get, update, delete and list, with their checks (the queue and the function
// exist, one mapping per queue and function). A change writes a transitional state and
// calls `changed`; the pollers (triggers/sqs/) act on it and move the state on.
import { randomUUID } from 'node:crypto';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { EventSourceMappingRecord, EventSourceMappingRepository, MappingState, MappingWrite } from '../../store/esm-ports.js';
import type { ListPage } from '../../store/ports.js';
import type { QueueRecord } from '../../store/queue-ports.js';
import type { FunctionKey, Scope } from '../../store/records.js';
import { settingsOf } from '../../queues/attributes.js';
import { parseQueueArn } from '../../queues/names.js';
import type { Clock } from '../../util/time.js';
import { functionTarget, resolveSettings, type MappingInput } from './mapping-input.js';

export interface EventSourceMappingServiceDeps {
  readonly repository: EventSourceMappingRepository;
  /** The timeout (seconds) of the function version a qualifier names, or Lambda's not-found. */
  readonly functionTimeout: (key: FunctionKey, qualifier: string | undefined) => Promise<number>;
  /** The queue an ARN names (QueueService.findByArn). */
  readonly findQueue: (arn: string) => Promise<QueueRecord | undefined>;
  readonly clock: Clock;
  /** Called after every change, for the pollers to act on it. */
  readonly changed: (uuid: string) => void;
}

export interface MappingListFilter {
  readonly eventSourceArn?: string | undefined;
  readonly functionName?: string | undefined;
  readonly marker?: string | undefined;
  readonly maxItems?: number | undefined;
}

export const USER_INITIATED = 'USER_INITIATED';
export const NO_RECORDS_PROCESSED = 'No records processed';
const LIST_PAGE_LIMIT = 100;

export function mappingArn(m: EventSourceMappingRecord): string {
  return `arn:aws:lambda:${m.region}:${m.account}:event-source-mapping:${m.uuid}`;
}

function notFound(scope: Scope, uuid: string): NimbusError {
  return new NimbusError('ResourceNotFoundException', `Event source mapping not found: arn:aws:lambda:${scope.region}:${scope.account}:event-source-mapping:${uuid}`);
}

function duplicate(arn: string, functionName: string, uuid: string): NimbusError {
  // Lambda's recorded text, spaces inside the quotes included.
  return new NimbusError('ResourceConflictException',
    `An event source mapping with SQS arn (" ${arn} ") and function (" ${functionName} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`);
}

/** The state an update leaves behind, from what was asked before and now. */
function stateAfterUpdate(wasEnabled: boolean, enabled: boolean): MappingState {
  if (wasEnabled && enabled) return 'Updating';
  if (enabled) return 'Enabling';
  return wasEnabled ? 'Disabling' : 'Disabled';
}

export class EventSourceMappingService {
  readonly #deps: EventSourceMappingServiceDeps;

  constructor(deps: EventSourceMappingServiceDeps) {
    this.#deps = deps;
  }

  async create(scope: Scope, input: MappingInput): Promise<EventSourceMappingRecord> {
    const arn = input.eventSourceArn;
    if (arn === undefined) throw invalidParameter('EventSourceArn', 'is required');
    const queue = await this.#queue(scope, arn);
    const target = functionTarget(scope, input.functionName);
    const settings = resolveSettings(input, undefined, { functionName: target.key.name, qualifier: target.qualifier }, queue.fifo);
    await this.#checkTimeouts(target, queue);
    const mapping: EventSourceMappingRecord = {
      ...scope, ...settings, uuid: randomUUID(), eventSourceArn: arn, state: settings.enabled ? 'Creating' : 'Disabled',
      stateTransitionReason: USER_INITIATED, lastProcessingResult: NO_RECORDS_PROCESSED, revision: 1, lastModified: this.#deps.clock(),
    };
    this.#check(await this.#deps.repository.create(mapping), mapping);
    this.#deps.changed(mapping.uuid);
    return mapping;
  }

  async get(scope: Scope, uuid: string): Promise<EventSourceMappingRecord> {
    const mapping = await this.#deps.repository.get(uuid);
    if (!mapping || mapping.account !== scope.account || mapping.region !== scope.region) throw notFound(scope, uuid);
    return mapping;
  }

  async update(scope: Scope, uuid: string, input: MappingInput): Promise<EventSourceMappingRecord> {
    const current = await this.#mutable(scope, uuid, 'update');
    const queue = await this.#deps.findQueue(current.eventSourceArn);
    const target = input.functionName !== undefined ? functionTarget(scope, input.functionName) : undefined;
    const settings = resolveSettings(input, current, target ? { functionName: target.key.name, qualifier: target.qualifier } : current, queue?.fifo ?? false);
    if (target) await this.#checkTimeouts(target, queue);
    const next: EventSourceMappingRecord = {
      ...current, ...settings, state: stateAfterUpdate(current.enabled, settings.enabled), stateTransitionReason: USER_INITIATED,
      revision: current.revision + 1, lastModified: this.#deps.clock(),
    };
    this.#check(await this.#deps.repository.replace(next, current.revision), next);
    this.#deps.changed(uuid);
    return next;
  }

  async delete(scope: Scope, uuid: string): Promise<EventSourceMappingRecord> {
    const current = await this.#mutable(scope, uuid, 'delete');
    const next: EventSourceMappingRecord = { ...current, state: 'Deleting', stateTransitionReason: USER_INITIATED, revision: current.revision + 1 };
    this.#check(await this.#deps.repository.replace(next, current.revision), next);
    this.#deps.changed(uuid);
    return next;
  }

  async list(scope: Scope, filter: MappingListFilter): Promise<ListPage<EventSourceMappingRecord>> {
    const { marker, maxItems } = filter;
    if (marker !== undefined && !this.#deps.repository.isMarker(marker)) throw invalidParameter('Marker', `'${marker}' is not a marker from a previous page`);
    if (maxItems !== undefined && (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000)) {
      throw invalidParameter('MaxItems', `must be an integer from 1 to 10000 (got ${maxItems})`);
    }
    const target = filter.functionName !== undefined ? functionTarget(scope, filter.functionName) : undefined;
    return this.#deps.repository.list(scope, {
      eventSourceArn: filter.eventSourceArn, functionName: target?.key.name, qualifier: target?.qualifier,
    }, marker, Math.min(maxItems ?? LIST_PAGE_LIMIT, LIST_PAGE_LIMIT));
  }

  /** The queue an SQS ARN names, in the mapping's region (Lambda polls queues of its own region). */
  async #queue(scope: Scope, arn: string): Promise<QueueRecord> {
    if (/^arn:aws[a-zA-Z-]*:(kinesis|dynamodb|kafka|mq|rds|docdb):/.test(arn)) {
      throw invalidParameter('EventSourceArn', `only SQS queues are supported as event sources by this platform (got '${arn}')`);
    }
    const key = parseQueueArn(arn);
    if (!key) throw invalidParameter('EventSourceArn', `'${arn}' is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue name>)`);
    if (key.region !== scope.region) throw invalidParameter('EventSourceArn', `the queue is in ${key.region}; a mapping polls queues of its own region (${scope.region})`);
    // Another account's queue is not the caller's to read (no queue policies here): as if it did not exist.
    const queue = key.account === scope.account ? await this.#deps.findQueue(arn) : undefined;
    if (!queue) throw new NimbusError('ResourceNotFoundException', `Queue not found: ${arn} (the specified queue does not exist)`);
    return queue;
  }

  /**
   * The function exists, and the queue hides a message at least as long as the function may
   * run on it: otherwise a batch still running would be received again (Lambda's rule).
   */
  async #checkTimeouts(target: { key: FunctionKey; qualifier: string | undefined }, queue: QueueRecord | undefined): Promise<void> {
    const timeout = await this.#deps.functionTimeout(target.key, target.qualifier);
    const visibility = queue ? settingsOf(queue).visibilityTimeout : Infinity; // a deleted queue: nothing to compare
    if (visibility < timeout) {
      throw new NimbusError('InvalidParameterValueException', `Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${timeout} seconds`);
    }
  }

  /** The mapping, unless it is being deleted (then Lambda answers ResourceInUseException). */
  async #mutable(scope: Scope, uuid: string, operation: 'update' | 'delete'): Promise<EventSourceMappingRecord> {
    const mapping = await this.get(scope, uuid);
    if (mapping.state === 'Deleting') {
      throw new NimbusError('ResourceInUseException', `Cannot ${operation} the event source mapping because it is in use (state Deleting): ${mappingArn(mapping)}`);
    }
    return mapping;
  }

  #check(written: MappingWrite, mapping: EventSourceMappingRecord): void {
    if (written === 'written') return;
    if (written === 'stale') {
      throw new NimbusError('ResourceConflictException', `The operation cannot be performed at this time. The event source mapping ${mapping.uuid} was changed by another request; try again.`);
    }
    throw duplicate(mapping.eventSourceArn, mapping.functionName, written.duplicateOf);
  }
}
