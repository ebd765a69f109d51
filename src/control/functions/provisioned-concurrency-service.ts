// Provisioned concurrency configs (lambda-reference §1.6): N instances of a version (or of
// an alias's versions) initialised ahead and kept whatever the traffic. This service keeps
// the configs and Lambda's rules; the runtime provisions them when it hears of a change
// (a `provisioned-changed` function event) and reports how far it got (`status`).
import { NimbusError, invalidParameter } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { FunctionKey, FunctionRecord } from '../../store/records.js';
import type { ProvisionedConcurrencyConfigRecord } from '../../store/version-ports.js';
import { lambdaTimestamp, type Clock } from '../../util/time.js';
import type { FunctionEvents } from './function-events.js';
import { isVersionNumber, LATEST, QualifierLookup, validationError, type QualifiedFunction } from './qualifiers.js';

export type ProvisionedState = 'IN_PROGRESS' | 'READY' | 'FAILED';

export interface ProvisionedStatus {
  /** Instances initialised and kept for the config. */
  readonly allocated: number;
  /** Of those, the ones that can take calls (here: the same). */
  readonly available: number;
  readonly status: ProvisionedState;
  readonly reason: string | undefined;
}

export interface ProvisionedConfigView {
  readonly config: ProvisionedConcurrencyConfigRecord;
  readonly status: ProvisionedStatus;
}

export interface ProvisionedConcurrencyServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: FunctionEvents;
  readonly accountConcurrency: number;
  /** Lambda keeps at least this many unreserved. */
  readonly minimumUnreserved: number;
  /** How far the runtime got with a config. */
  readonly status: (config: ProvisionedConcurrencyConfigRecord) => ProvisionedStatus;
}

const MAX_PAGE = 50;

function configNotFound(): NimbusError {
  return new NimbusError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
}

function requireQualifier(qualifier: string | undefined): string {
  if (qualifier === undefined || qualifier === '') throw validationError('null', 'qualifier', 'Member must not be null');
  return qualifier;
}

export class ProvisionedConcurrencyService {
  readonly #deps: ProvisionedConcurrencyServiceDeps;
  readonly #lookup: QualifierLookup;

  constructor(deps: ProvisionedConcurrencyServiceDeps) {
    this.#deps = deps;
    this.#lookup = new QualifierLookup(deps.store);
  }

  /** Replaces the config of a version or alias; provisioning starts in the background (202 IN_PROGRESS). */
  async put(key: FunctionKey, qualifier: string | undefined, requested: number): Promise<ProvisionedConfigView> {
    if (!Number.isInteger(requested) || requested < 1) {
      throw validationError(String(requested), 'provisionedConcurrentExecutions', 'Member must have value greater than or equal to 1');
    }
    const q = requireQualifier(qualifier);
    const target = await this.#lookup.resolve(key, q);
    if (target.version.version === LATEST) {
      // Also an alias of $LATEST: only published versions can be initialised ahead.
      throw new NimbusError('InvalidParameterValueException', 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    }
    const others = (await this.#deps.store.provisionedConcurrency.list(key)).filter((c) => c.qualifier !== q);
    await this.#checkConcurrency(target.fn, requested + others.reduce((sum, c) => sum + c.requested, 0), requested);
    await this.#checkOverlap(key, target, others);
    const config: ProvisionedConcurrencyConfigRecord = { ...key, qualifier: q, requested, lastModified: lambdaTimestamp(this.#deps.clock()) };
    if (!(await this.#deps.store.provisionedConcurrency.put(config))) await this.#lookup.resolve(key, q);
    this.#deps.events.publish({ kind: 'provisioned-changed', key, qualifier: q });
    return { config, status: { allocated: 0, available: 0, status: 'IN_PROGRESS', reason: undefined } };
  }

  async get(key: FunctionKey, qualifier: string | undefined): Promise<ProvisionedConfigView> {
    const config = await this.#find(key, qualifier);
    return { config, status: this.#deps.status(config) };
  }

  async delete(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    const config = await this.#find(key, qualifier);
    if (!(await this.#deps.store.provisionedConcurrency.delete(key, config.qualifier))) throw configNotFound();
    this.#deps.events.publish({ kind: 'provisioned-changed', key, qualifier: config.qualifier });
  }

  /** ListProvisionedConcurrencyConfigs; the marker is the last qualifier of the previous page. */
  async list(key: FunctionKey, marker: string | undefined, maxItems: number | undefined): Promise<{ items: readonly ProvisionedConfigView[]; nextMarker: string | undefined }> {
    const limit = maxItems ?? MAX_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter('MaxItems', `must be an integer from 1 to ${MAX_PAGE}`);
    await this.#lookup.resolve(key, undefined);
    const all = (await this.#deps.store.provisionedConcurrency.list(key)).filter((c) => marker === undefined || c.qualifier > marker);
    const page = all.slice(0, limit);
    return {
      items: page.map((config) => ({ config, status: this.#deps.status(config) })),
      nextMarker: all.length > limit ? page[page.length - 1]?.qualifier : undefined,
    };
  }

  async #find(key: FunctionKey, qualifier: string | undefined): Promise<ProvisionedConcurrencyConfigRecord> {
    const q = requireQualifier(qualifier);
    await this.#lookup.resolve(key, q);
    const config = await this.#deps.store.provisionedConcurrency.get(key, q);
    if (!config) throw configNotFound();
    return config;
  }

  /**
   * Provisioned capacity comes out of the function's reserved concurrency when it has
   * some, else out of the account's unreserved pool, which must keep its minimum.
   */
  async #checkConcurrency(fn: FunctionRecord, functionTotal: number, requested: number): Promise<void> {
    const { accountConcurrency, minimumUnreserved } = this.#deps;
    if (fn.reservedConcurrency !== undefined) {
      if (functionTotal > fn.reservedConcurrency) {
        throw new NimbusError('InvalidParameterValueException', 'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
      }
      return;
    }
    if (requested > accountConcurrency) {
      throw new NimbusError('InvalidParameterValueException', `Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${accountConcurrency}].`);
    }
    const claimed = await this.#claimedElsewhere(fn);
    if (accountConcurrency - claimed - functionTotal < minimumUnreserved) {
      throw new NimbusError('InvalidParameterValueException', `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimumUnreserved}].`);
    }
  }

  /** Reserved concurrency of every function of the scope, plus provisioned capacity of the other functions without any. */
  async #claimedElsewhere(fn: FunctionRecord): Promise<number> {
    const reserved = new Map<string, number | undefined>();
    let marker: string | undefined;
    do {
      const page = await this.#deps.store.functions.list(fn, marker, MAX_PAGE);
      for (const f of page.items) reserved.set(f.name, f.reservedConcurrency);
      marker = page.nextMarker;
    } while (marker !== undefined);
    let claimed = [...reserved.values()].reduce<number>((sum, r) => sum + (r ?? 0), 0);
    for (const c of await this.#deps.store.provisionedConcurrency.listAll()) {
      if (c.account === fn.account && c.region === fn.region && c.name !== fn.name && reserved.get(c.name) === undefined) claimed += c.requested;
    }
    return claimed;
  }

  /** An alias and the version it points to cannot both have a config. */
  async #checkOverlap(key: FunctionKey, target: QualifiedFunction, others: readonly ProvisionedConcurrencyConfigRecord[]): Promise<void> {
    if (target.alias !== undefined) {
      if (others.some((c) => c.qualifier === target.alias?.functionVersion)) {
        throw new NimbusError('ResourceConflictException', "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
      }
      return;
    }
    const provisionedAliases = new Set(others.filter((c) => !isVersionNumber(c.qualifier)).map((c) => c.qualifier));
    const aliases = await this.#deps.store.aliases.list(key);
    if (aliases.some((a) => provisionedAliases.has(a.alias) && a.functionVersion === target.version.version)) {
      throw new NimbusError('ResourceConflictException', 'Version is pointed by a Provisioned Concurrency alias');
    }
  }
}
