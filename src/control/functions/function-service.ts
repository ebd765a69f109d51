// The function registry: create, read, list, update and delete functions, with
// Lambda's state machine (Pending -> Active, update InProgress -> Successful) so that
// SDK and CLI waiters finish (lambda-reference §1.7).
import { randomUUID } from 'node:crypto';
import { invalidParameter, NimbusError } from '../../errors.js';
import type { ListPage, Store } from '../../store/ports.js';
import type { CodeRef, FunctionKey, FunctionRecord, FunctionSettings, FunctionVersionRecord, LayerRef, Scope } from '../../store/records.js';
import { lambdaTimestamp, type Clock } from '../../util/time.js';
import type { CodeCache } from '../code/code-cache.js';
import type { FunctionEvents } from './function-events.js';
import { isVersionNumber, LATEST, notFound, QualifierLookup, updateInProgress, type QualifiedFunction } from './qualifiers.js';
import { resolveSettings, type SettingsInput } from './settings.js';
import type { VersionService } from './version-service.js';

export { notFound };

export interface CreateFunctionInput extends SettingsInput {
  readonly zipFile: Buffer;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

export interface UpdateCodeInput {
  readonly zipFile: Buffer;
  readonly revisionId?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly architectures?: readonly string[] | undefined;
}

export interface FunctionServiceDeps {
  readonly store: Store;
  readonly code: CodeCache;
  readonly clock: Clock;
  readonly events: FunctionEvents;
  /** DeleteFunction with a version number deletes that version. */
  readonly versions: VersionService;
  /** Refuses a DeadLetterConfig.TargetArn that names no existing queue; without it the ARN is stored unchecked. */
  readonly checkDeadLetterTarget?: (arn: string) => Promise<void>;
  /** Checks a function's Layers (control/layers/LayerService.resolveForFunction); without it Layers are refused. */
  readonly resolveLayers?: (arns: readonly string[], codeDir: string) => Promise<readonly LayerRef[]>;
}

/** ListFunctions returns at most 50 per page regardless of MaxItems (model doc). */
export const LIST_PAGE_LIMIT = 50;
const MAX_TAGS = 50;

export class FunctionService {
  readonly #deps: FunctionServiceDeps;
  readonly #lookup: QualifierLookup;

  constructor(deps: FunctionServiceDeps) {
    this.#deps = deps;
    this.#lookup = new QualifierLookup(deps.store);
  }

  async create(key: FunctionKey, input: CreateFunctionInput): Promise<FunctionRecord> {
    const resolved = resolveSettings(input, undefined);
    if (input.deadLetterTargetArn !== undefined) await this.#deps.checkDeadLetterTarget?.(input.deadLetterTargetArn);
    const tags = validateTags(input.tags ?? {});
    if (await this.#deps.store.functions.get(key)) throw conflictExists(key.name);
    const code = await this.#deps.code.prepare(input.zipFile);
    const settings = await this.#withLayers(resolved, input.layers, code);
    const now = this.#deps.clock();
    const record: FunctionRecord = {
      ...key,
      createdAt: now,
      tags,
      reservedConcurrency: undefined,
      latest: {
        ...key, version: '$LATEST', settings, code, revisionId: randomUUID(), lastModified: lambdaTimestamp(now),
        state: 'Pending', stateReason: 'The function is being created.', stateReasonCode: 'Creating',
        lastUpdateStatus: 'InProgress', lastUpdateStatusReason: 'The function is being created.', lastUpdateStatusReasonCode: 'Creating',
      },
    };
    if (!(await this.#deps.store.functions.create(record))) throw conflictExists(key.name);
    this.#settleSoon(record.latest);
    return record;
  }

  async get(key: FunctionKey): Promise<FunctionRecord> {
    const fn = await this.#deps.store.functions.get(key);
    if (!fn) throw notFound(key);
    return fn;
  }

  /** The function and the version a qualifier names (an alias: its primary version), or Lambda's not-found. */
  getQualified(key: FunctionKey, qualifier: string | undefined): Promise<QualifiedFunction> {
    return this.#lookup.resolve(key, qualifier);
  }

  /** Async invocations are accepted only for a function and qualifier that exist (not-found names `$LATEST` when none is given). */
  async requireInvocable(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    await this.#lookup.resolve(key, qualifier ?? LATEST);
  }

  /** Looks a function up without throwing (used by the invoke path). */
  find(key: FunctionKey): Promise<FunctionRecord | undefined> {
    return this.#deps.store.functions.get(key);
  }

  list(scope: Scope, marker: string | undefined, maxItems: number | undefined): Promise<ListPage<FunctionRecord>> {
    return this.#deps.store.functions.list(scope, marker, Math.min(maxItems ?? LIST_PAGE_LIMIT, LIST_PAGE_LIMIT));
  }

  async updateCode(key: FunctionKey, input: UpdateCodeInput): Promise<FunctionVersionRecord> {
    const current = await this.get(key);
    this.#assertMutable(current, input.revisionId);
    const settings = input.architectures === undefined ? current.latest.settings : resolveSettings({ architectures: input.architectures }, current.latest.settings);
    const code = await this.#deps.code.prepare(input.zipFile);
    if (input.dryRun) return { ...current.latest, code, settings };
    return this.#replace(current.latest, { code, settings });
  }

  async updateConfiguration(key: FunctionKey, input: SettingsInput & { revisionId?: string | undefined }): Promise<FunctionVersionRecord> {
    const current = await this.get(key);
    // Lambda validates the request before it looks at the function's state.
    const resolved = resolveSettings(input, current.latest.settings);
    this.#assertMutable(current, input.revisionId);
    if (input.deadLetterTargetArn !== undefined) await this.#deps.checkDeadLetterTarget?.(input.deadLetterTargetArn);
    const settings = await this.#withLayers(resolved, input.layers, current.latest.code);
    return this.#replace(current.latest, { settings });
  }

  /** Applies a Layers list (checked against the code it runs with); undefined keeps the current one. */
  async #withLayers(settings: FunctionSettings, arns: readonly string[] | undefined, code: CodeRef): Promise<FunctionSettings> {
    if (arns === undefined) return settings;
    if (arns.length === 0) return Object.freeze({ ...settings, layers: undefined });
    if (!this.#deps.resolveLayers) throw invalidParameter('Layers', 'layers are not available on this platform');
    const layers = await this.#deps.resolveLayers(arns, await this.#deps.code.ensure(code));
    return Object.freeze({ ...settings, layers });
  }

  async delete(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    if (qualifier === '$LATEST') {
      throw new NimbusError('InvalidParameterValueException', '$LATEST version cannot be deleted without deleting the function.');
    }
    if (qualifier !== undefined && isVersionNumber(qualifier)) return this.#deps.versions.delete(key, qualifier);
    if (qualifier !== undefined) {
      await this.#lookup.alias(key, qualifier);
      throw new NimbusError('InvalidParameterValueException', 'Deletion of aliases is not supported. Use DeleteAlias.');
    }
    if (!(await this.#deps.store.functions.delete(key))) throw notFound(key);
    this.#deps.events.publish({ kind: 'deleted', key });
  }

  async setTags(key: FunctionKey, tags: Readonly<Record<string, string>>): Promise<void> {
    const fn = await this.get(key);
    await this.#deps.store.functions.setTags(key, validateTags({ ...fn.tags, ...tags }));
    // Tags can change how the function runs (nimbus:network): resolved specs are read again.
    this.#deps.events.publish({ kind: 'updated', key });
  }

  async removeTags(key: FunctionKey, tagKeys: readonly string[]): Promise<void> {
    const fn = await this.get(key);
    const next = Object.fromEntries(Object.entries(fn.tags).filter(([k]) => !tagKeys.includes(k)));
    await this.#deps.store.functions.setTags(key, next);
    this.#deps.events.publish({ kind: 'updated', key });
  }

  /**
   * Reserved concurrency: a cap and a guarantee for one function. The account must keep
   * at least `minimumUnreserved` unreserved (lambda-reference §1.6).
   */
  async putConcurrency(key: FunctionKey, reserved: number, accountLimit: number, minimumUnreserved: number): Promise<void> {
    if (!Number.isInteger(reserved) || reserved < 0) throw new NimbusError('InvalidParameterValueException', `ReservedConcurrentExecutions: must be an integer of at least 0 (got ${reserved})`);
    await this.get(key);
    const provisioned = (await this.#deps.store.provisionedConcurrency.list(key)).reduce((sum, c) => sum + c.requested, 0);
    if (reserved < provisioned) {
      // Two spaces after the member name, as Lambda's own message has them (recorded).
      throw new NimbusError('InvalidParameterValueException', `ReservedConcurrentExecutions  ${reserved} should not be lower than function's total provisioned concurrency [${provisioned}].`);
    }
    let reservedElsewhere = 0;
    let marker: string | undefined;
    do {
      const page = await this.#deps.store.functions.list(key, marker, LIST_PAGE_LIMIT);
      for (const fn of page.items) if (fn.name !== key.name) reservedElsewhere += fn.reservedConcurrency ?? 0;
      marker = page.nextMarker;
    } while (marker !== undefined);
    if (accountLimit - reservedElsewhere - reserved < minimumUnreserved) {
      throw new NimbusError('InvalidParameterValueException', `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimumUnreserved}].`);
    }
    await this.#deps.store.functions.setReservedConcurrency(key, reserved);
    this.#deps.events.publish({ kind: 'updated', key });
  }

  async deleteConcurrency(key: FunctionKey): Promise<void> {
    await this.get(key);
    await this.#deps.store.functions.setReservedConcurrency(key, undefined);
    this.#deps.events.publish({ kind: 'updated', key });
  }

  /**
   * Finishes transitions a crash interrupted: anything still Pending or InProgress at
   * start-up is settled now (its code is checked first, so a lost blob shows as Failed).
   */
  async recover(): Promise<number> {
    const unsettled = await this.#deps.store.functions.listUnsettled(['Pending'], ['InProgress']);
    for (const version of unsettled) await this.#settle(version);
    return unsettled.length;
  }

  #assertMutable(current: FunctionRecord, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== current.latest.revisionId) {
      throw new NimbusError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (current.latest.lastUpdateStatus === 'InProgress') {
      throw updateInProgress(current);
    }
  }

  async #replace(current: FunctionVersionRecord, change: Partial<Pick<FunctionVersionRecord, 'code' | 'settings'>>): Promise<FunctionVersionRecord> {
    const next: FunctionVersionRecord = {
      ...current, ...change, revisionId: randomUUID(), lastModified: lambdaTimestamp(this.#deps.clock()),
      lastUpdateStatus: 'InProgress', lastUpdateStatusReason: 'The function is being created.', lastUpdateStatusReasonCode: 'Creating',
    };
    if (!(await this.#deps.store.functions.replaceLatest(next, current.revisionId))) {
      // Someone else changed it between our read and write.
      throw updateInProgress(current);
    }
    this.#deps.events.publish({ kind: 'updated', key: current });
    this.#settleSoon(next);
    return next;
  }

  #settleSoon(version: FunctionVersionRecord): void {
    setImmediate(() => {
      this.#settle(version).catch((err: unknown) => this.#deps.events.publish({ kind: 'settle-failed', key: version, error: err }));
    });
  }

  // Pending -> Active / InProgress -> Successful, with a new RevisionId as Lambda does.
  async #settle(version: FunctionVersionRecord): Promise<void> {
    let failure: string | undefined;
    try {
      await this.#deps.code.ensure(version.code);
    } catch (err) {
      failure = (err as Error).message;
    }
    const settled: FunctionVersionRecord = failure === undefined
      ? { ...version, revisionId: randomUUID(), state: 'Active', stateReason: undefined, stateReasonCode: undefined,
          lastUpdateStatus: 'Successful', lastUpdateStatusReason: undefined, lastUpdateStatusReasonCode: undefined }
      : { ...version, revisionId: randomUUID(), state: version.state === 'Pending' ? 'Failed' : version.state,
          stateReason: version.state === 'Pending' ? failure : version.stateReason, stateReasonCode: version.state === 'Pending' ? 'InternalError' : version.stateReasonCode,
          lastUpdateStatus: 'Failed', lastUpdateStatusReason: failure, lastUpdateStatusReasonCode: 'InternalError' };
    if (await this.#deps.store.functions.replaceLatest(settled, version.revisionId)) {
      this.#deps.events.publish({ kind: 'updated', key: version });
    }
  }
}

function validateTags(tags: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw new NimbusError('InvalidParameterValueException', 'Tags: Number of tags exceeds resource tag limit.');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128) throw new NimbusError('InvalidParameterValueException', `Tags: key '${k}' must be 1 to 128 characters`);
    if (typeof v !== 'string' || v.length > 256) throw new NimbusError('InvalidParameterValueException', `Tags: value of '${k}' must be a string of at most 256 characters`);
  }
  return Object.freeze({ ...tags });
}

function conflictExists(name: string): NimbusError {
  return new NimbusError('ResourceConflictException', `Function already exist: ${name}`);
}
