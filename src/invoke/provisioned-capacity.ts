// Provisioned concurrency at run time: turns the stored configs of a function into a
// number of instances per version (an alias's config is shared between its versions by
// weight) and asks the scheduler to keep them. It listens for the function events that
// change the picture (a config, an alias or a version changed) and provisions every
// stored config again at start-up, so a restart comes back with its instances.
import { splitByWeight } from '../control/functions/alias-routing.js';
import type { FunctionEvents } from '../control/functions/function-events.js';
import type { ProvisionedStatus } from '../control/functions/provisioned-concurrency-service.js';
import { isVersionNumber } from '../control/functions/qualifiers.js';
import { NimbusError } from '../errors.js';
import type { FunctionSpec } from '../runtime/execution-types.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { FunctionKey } from '../store/records.js';
import type { ProvisionedConcurrencyConfigRecord, ProvisionedConcurrencyRepository } from '../store/version-ports.js';
import { functionIdOf, type FunctionResolver } from './function-resolver.js';

export interface ProvisionedCapacityDeps {
  readonly configs: ProvisionedConcurrencyRepository;
  readonly resolver: FunctionResolver;
  readonly scheduler: Scheduler;
  readonly events: FunctionEvents;
  readonly onError: (err: unknown) => void;
}

/** What one function asks of the scheduler: instances per version. */
interface Plan {
  readonly versions: ReadonlyMap<string, { readonly spec: FunctionSpec; readonly count: number }>;
  /** Per config (qualifier): its share of each version. */
  readonly shares: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Why a config could not be provisioned at all (its version's code is gone…). */
  readonly failures: ReadonlyMap<string, string>;
}

const EMPTY_PLAN: Plan = { versions: new Map(), shares: new Map(), failures: new Map() };

export class ProvisionedCapacity {
  readonly #deps: ProvisionedCapacityDeps;
  readonly #plans = new Map<string, Plan>();
  /** One refresh at a time per function, in order. */
  readonly #refreshing = new Map<string, Promise<void>>();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: ProvisionedCapacityDeps) {
    this.#deps = deps;
  }

  /** Provisions every stored config (start-up), then follows changes. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#deps.events.subscribe((event) => {
      if (event.kind === 'deleted') this.#plans.delete(functionIdOf(event.key)); // the resolver retired its instances
      else if (event.kind === 'provisioned-changed' || event.kind === 'alias-changed' || event.kind === 'version-deleted') void this.refresh(event.key);
    });
    const functions = new Map<string, FunctionKey>();
    for (const c of await this.#deps.configs.listAll()) functions.set(functionIdOf(c), { account: c.account, region: c.region, name: c.name });
    await Promise.all([...functions.values()].map((key) => this.refresh(key)));
  }

  /** Brings the function's provisioned instances in line with its stored configs. */
  refresh(key: FunctionKey): Promise<void> {
    const functionId = functionIdOf(key);
    const next = (this.#refreshing.get(functionId) ?? Promise.resolve())
      .then(() => this.#apply(key))
      .catch(this.#deps.onError)
      .finally(() => {
        if (this.#refreshing.get(functionId) === next) this.#refreshing.delete(functionId);
      });
    this.#refreshing.set(functionId, next);
    return next;
  }

  /** How far a config got: READY once its instances are initialised. */
  status(config: ProvisionedConcurrencyConfigRecord): ProvisionedStatus {
    const functionId = functionIdOf(config);
    const plan = this.#plans.get(functionId) ?? EMPTY_PLAN;
    const failure = plan.failures.get(config.qualifier);
    if (failure !== undefined) return { allocated: 0, available: 0, status: 'FAILED', reason: failure };
    const shares = plan.shares.get(config.qualifier);
    if (shares === undefined) return { allocated: 0, available: 0, status: 'IN_PROGRESS', reason: undefined };
    let allocated = 0;
    for (const [version, share] of shares) {
      const planned = plan.versions.get(version);
      if (!planned) continue;
      const ready = this.#deps.scheduler.provisionedStatus(planned.spec, functionId);
      if (ready.failure !== undefined) return { allocated, available: allocated, status: 'FAILED', reason: ready.failure };
      // Configs sharing a version (two aliases) share its ready instances in proportion.
      allocated += Math.min(share, Math.floor((ready.ready * share) / planned.count));
    }
    return { allocated, available: allocated, status: allocated >= config.requested ? 'READY' : 'IN_PROGRESS', reason: undefined };
  }

  dispose(): void {
    this.#unsubscribe?.();
  }

  async #apply(key: FunctionKey): Promise<void> {
    const functionId = functionIdOf(key);
    const counts = new Map<string, number>();
    const shares = new Map<string, ReadonlyMap<string, number>>();
    const failures = new Map<string, string>();
    for (const config of await this.#deps.configs.list(key)) {
      try {
        const split = isVersionNumber(config.qualifier)
          ? new Map([[config.qualifier, config.requested]])
          : splitByWeight(await this.#deps.resolver.alias(key, config.qualifier), config.requested);
        shares.set(config.qualifier, split);
        for (const [version, count] of split) counts.set(version, (counts.get(version) ?? 0) + count);
      } catch (err) {
        failures.set(config.qualifier, err instanceof NimbusError ? err.message : String(err));
      }
    }
    const versions = new Map<string, { spec: FunctionSpec; count: number }>();
    for (const [version, count] of counts) {
      try {
        versions.set(version, { spec: (await this.#deps.resolver.resolve(key, version)).spec, count });
      } catch (err) {
        for (const [qualifier, split] of shares) if (split.has(version)) failures.set(qualifier, err instanceof NimbusError ? err.message : String(err));
      }
    }
    const previous = this.#plans.get(functionId) ?? EMPTY_PLAN;
    for (const [version, planned] of previous.versions) {
      if (!versions.has(version)) this.#deps.scheduler.provision(planned.spec, functionId, 0);
    }
    for (const planned of versions.values()) this.#deps.scheduler.provision(planned.spec, functionId, planned.count);
    if (versions.size === 0 && failures.size === 0) this.#plans.delete(functionId);
    else this.#plans.set(functionId, { versions, shares, failures });
  }
}
