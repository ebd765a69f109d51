// Creates, changes and deletes broker mappings (docs/event-sources.md): checks the
// settings (the kind's plugin checks the source part), writes the record with
// compare-and-swap on its revision, and tells the runtime (BrokerPollers, and other nodes
// through `changed`). Errors are Lambda's: InvalidParameterValueException naming the field,
// ResourceNotFoundException for a mapping of another scope or none.
import { randomUUID } from 'node:crypto';
import { invalidParameter, NimbusError } from '../../errors.js';
import { parseQueueArn } from '../../queues/names.js';
import type { BrokerMappingRecord } from '../../store/broker-mapping-ports.js';
import type { BrokerMappingRepository } from '../../store/broker-mapping-ports.js';
import type { FunctionKey, Scope } from '../../store/records.js';
import type { SourcePlugin } from '../../triggers/sources/source-plugin.js';
import { parseFunctionRef } from '../../util/arn.js';
import type { Clock } from '../../util/time.js';

export interface BrokerMappingInput {
  readonly kind: string;
  readonly source: unknown;
  /** A name, `name:qualifier` or a function ARN. */
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly batchSize?: number | undefined;
  readonly maximumBatchingWindowSeconds?: number | undefined;
  readonly maximumRetryAttempts?: number | undefined;
  readonly bisectBatchOnFunctionError?: boolean | undefined;
  readonly onFailureDestination?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** What PATCH may change; `onFailureDestination: null` removes the destination. */
export type BrokerMappingPatch = Pick<BrokerMappingInput, 'enabled' | 'batchSize' | 'maximumBatchingWindowSeconds' | 'maximumRetryAttempts' | 'bisectBatchOnFunctionError'> & {
  readonly onFailureDestination?: string | null | undefined;
};

export interface BrokerMappingServiceDeps {
  readonly repository: BrokerMappingRepository;
  readonly plugin: (kind: string) => SourcePlugin | undefined;
  readonly kinds: () => readonly string[];
  readonly functionExists: (key: FunctionKey, qualifier: string | undefined) => Promise<boolean>;
  /** QueueService.findByArn. */
  readonly findQueue: (arn: string) => Promise<unknown>;
  readonly clock: Clock;
  /** The mapping was created or changed. */
  readonly changed: (uuid: string) => void;
  /** The mapping was deleted (its poller stops, the plugin cleans up). */
  readonly deleted: (mapping: BrokerMappingRecord) => void;
}

export const DEFAULTS = { batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: -1 } as const;
const MAX_CAS_TRIES = 5;

function inRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(field, `must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function checkSettings(s: Pick<BrokerMappingRecord, 'batchSize' | 'maximumBatchingWindowSeconds' | 'maximumRetryAttempts'>): void {
  inRange('batchSize', s.batchSize, 1, 10_000);
  inRange('maximumBatchingWindowSeconds', s.maximumBatchingWindowSeconds, 0, 300);
  if (s.maximumRetryAttempts !== -1) inRange('maximumRetryAttempts', s.maximumRetryAttempts, -1, 10_000);
}

function notFound(scope: Scope, uuid: string): NimbusError {
  return new NimbusError('ResourceNotFoundException', `Event source not found: arn:aws:lambda:${scope.region}:${scope.account}:event-source-mapping:${uuid}`);
}

export class BrokerMappingService {
  readonly #deps: BrokerMappingServiceDeps;

  constructor(deps: BrokerMappingServiceDeps) {
    this.#deps = deps;
  }

  async create(scope: Scope, input: BrokerMappingInput): Promise<BrokerMappingRecord> {
    const plugin = this.#deps.plugin(input.kind);
    if (plugin === undefined) throw invalidParameter('kind', `unknown kind '${input.kind}'; known kinds: ${this.#deps.kinds().join(', ')}`);
    plugin.parseConfig(input.source); // throws InvalidParameterValueException naming the source's field
    const { name, qualifier } = await this.#function(scope, input.functionName, input.qualifier);
    const now = this.#deps.clock();
    const enabled = input.enabled ?? true;
    const mapping: BrokerMappingRecord = {
      ...scope, uuid: randomUUID(), kind: input.kind, sourceConfig: JSON.stringify(input.source), functionName: name, qualifier,
      batchSize: input.batchSize ?? DEFAULTS.batchSize, maximumBatchingWindowSeconds: input.maximumBatchingWindowSeconds ?? DEFAULTS.maximumBatchingWindowSeconds,
      maximumRetryAttempts: input.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts, bisectBatchOnFunctionError: input.bisectBatchOnFunctionError ?? false,
      onFailureDestination: await this.#destination(input.onFailureDestination), enabled, state: enabled ? 'Enabled' : 'Disabled',
      lastProcessingResult: 'No records processed', lastError: undefined, revision: 1, createdAt: now, lastModified: now,
    };
    checkSettings(mapping);
    if (!(await this.#deps.repository.create(mapping))) throw new NimbusError('ResourceConflictException', `Event source ${mapping.uuid} exists already`);
    this.#deps.changed(mapping.uuid);
    return mapping;
  }

  async get(scope: Scope, uuid: string): Promise<BrokerMappingRecord> {
    const mapping = await this.#deps.repository.get(uuid);
    if (!mapping || mapping.account !== scope.account || mapping.region !== scope.region) throw notFound(scope, uuid);
    return mapping;
  }

  list(scope: Scope): Promise<readonly BrokerMappingRecord[]> {
    return this.#deps.repository.list(scope);
  }

  async update(scope: Scope, uuid: string, patch: BrokerMappingPatch): Promise<BrokerMappingRecord> {
    const destination = patch.onFailureDestination === undefined || patch.onFailureDestination === null
      ? patch.onFailureDestination : await this.#destination(patch.onFailureDestination);
    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const current = await this.get(scope, uuid);
      const enabled = patch.enabled ?? current.enabled;
      const next: BrokerMappingRecord = {
        ...current,
        batchSize: patch.batchSize ?? current.batchSize,
        maximumBatchingWindowSeconds: patch.maximumBatchingWindowSeconds ?? current.maximumBatchingWindowSeconds,
        maximumRetryAttempts: patch.maximumRetryAttempts ?? current.maximumRetryAttempts,
        bisectBatchOnFunctionError: patch.bisectBatchOnFunctionError ?? current.bisectBatchOnFunctionError,
        onFailureDestination: destination === null ? undefined : destination ?? current.onFailureDestination,
        enabled, state: enabled ? 'Enabled' : 'Disabled', revision: current.revision + 1, lastModified: this.#deps.clock(),
      };
      checkSettings(next);
      if (await this.#deps.repository.update(next, current.revision)) {
        this.#deps.changed(uuid);
        return next;
      }
    }
    throw new NimbusError('ResourceConflictException', `Event source ${uuid} is being changed by another request; try again`);
  }

  async delete(scope: Scope, uuid: string): Promise<BrokerMappingRecord> {
    const mapping = await this.get(scope, uuid);
    if (!(await this.#deps.repository.delete(uuid))) throw notFound(scope, uuid);
    this.#deps.deleted(mapping);
    return mapping;
  }

  async #function(scope: Scope, ref: string, qualifierField: string | undefined): Promise<{ name: string; qualifier: string | undefined }> {
    if (ref === '') throw invalidParameter('functionName', 'is required');
    const parsed = parseFunctionRef(ref, 'functionName');
    if ((parsed.account !== undefined && parsed.account !== scope.account) || (parsed.region !== undefined && parsed.region !== scope.region)) {
      throw invalidParameter('functionName', `'${ref}' is not a function of account ${scope.account} in ${scope.region}`);
    }
    if (parsed.qualifier !== undefined && qualifierField !== undefined && parsed.qualifier !== qualifierField) {
      throw invalidParameter('qualifier', `'${qualifierField}' differs from the qualifier in functionName ('${parsed.qualifier}')`);
    }
    const qualifier = parsed.qualifier ?? qualifierField;
    if (!(await this.#deps.functionExists({ ...scope, name: parsed.name }, qualifier))) {
      throw invalidParameter('functionName', `function '${parsed.name}${qualifier === undefined ? '' : `:${qualifier}`}' does not exist`);
    }
    return { name: parsed.name, qualifier };
  }

  async #destination(arn: string | undefined): Promise<string | undefined> {
    if (arn === undefined) return undefined;
    const field = 'onFailureDestination';
    if (parseQueueArn(arn) === undefined) throw invalidParameter(field, `'${arn}' is not an SQS queue ARN; failure destinations on this platform are SQS queues`);
    if ((await this.#deps.findQueue(arn)) === undefined) throw invalidParameter(field, `the queue ${arn} does not exist`);
    return arn;
  }
}
