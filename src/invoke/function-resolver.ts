// Resolves a function reference and qualifier to what the runtime needs (a FunctionSpec),
// keeping the result in memory so the invoke path does not read the store or the disk
// each time. `$LATEST` and each published version have their own entry; an alias entry
// holds the alias, and each call through it picks a version by weight. Entries are
// dropped when the function changes (function events), and instances built for what is
// gone are retired then.
import { createHash } from 'node:crypto';
import { pickVersion } from '../control/functions/alias-routing.js';
import type { CodeCache } from '../control/code/code-cache.js';
import type { FunctionEvents } from '../control/functions/function-events.js';
import { isVersionNumber, LATEST, notFound, type QualifierLookup } from '../control/functions/qualifiers.js';
import { NimbusError } from '../errors.js';
import type { FunctionSpec } from '../runtime/execution-types.js';
import { networkFromTags } from '../runtime/sandbox/network.js';
import type { FunctionKey, FunctionRecord, FunctionVersionRecord } from '../store/records.js';
import type { AliasRecord } from '../store/version-ports.js';
import { functionArn } from '../util/arn.js';
import { logGroupName } from '../logs/platform-lines.js';

export interface ResolvedFunction {
  readonly record: FunctionRecord;
  readonly spec: FunctionSpec;
  readonly functionId: string;
  /** `$LATEST` or the number of the version that runs (for an alias: the one picked). */
  readonly executedVersion: string;
  /** The ARN as the caller named it (context.invokedFunctionArn). */
  readonly invokedArn: string;
}

export function functionIdOf(key: FunctionKey): string {
  return `${key.account}/${key.region}/${key.name}`;
}

export interface FunctionResolverDeps {
  readonly lookup: QualifierLookup;
  readonly code: CodeCache;
  readonly events: FunctionEvents;
  /**
   * Instances of `version` (all versions when undefined) whose spec is not `keepSpecKey`
   * are no longer wanted: the function or version was deleted, or $LATEST changed.
   */
  readonly onRetired: (functionId: string, version: string | undefined, keepSpecKey: string | undefined) => void;
  /** [0, 1): picks an alias's version by weight. */
  readonly random?: () => number;
}

/** What a version entry holds: the function record is kept for its reserved concurrency. */
type VersionEntry = Omit<ResolvedFunction, 'invokedArn'>;

export class FunctionResolver {
  readonly #deps: FunctionResolverDeps;
  /** `functionId:version` -> entry; `functionId#alias` -> alias. */
  readonly #versions = new Map<string, Promise<VersionEntry | undefined>>();
  readonly #aliases = new Map<string, Promise<AliasRecord | undefined>>();
  /** Per entry (replaced, never changed, when the function changes) and qualifier: what resolve() returns. */
  readonly #invoked = new WeakMap<VersionEntry, Map<string | undefined, ResolvedFunction>>();
  readonly #unsubscribe: () => void;

  constructor(deps: FunctionResolverDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.events.subscribe((event) => {
      const functionId = functionIdOf(event.key);
      switch (event.kind) {
        case 'updated':
          // Reserved concurrency is kept with every entry of the function: all are read again.
          this.#forget(functionId);
          this.#entry(event.key, LATEST).then(
            (entry) => deps.onRetired(functionId, LATEST, entry?.spec.specKey),
            () => deps.onRetired(functionId, LATEST, undefined),
          );
          return;
        case 'deleted':
          this.#forget(functionId);
          deps.onRetired(functionId, undefined, undefined);
          return;
        case 'version-deleted':
          this.#versions.delete(`${functionId}:${event.version}`);
          deps.onRetired(functionId, event.version, undefined);
          return;
        case 'alias-changed':
          this.#aliases.delete(`${functionId}#${event.alias}`);
          return;
        default:
      }
    });
  }

  /** The function to run for `key` and `qualifier`, or a Lambda error saying why not. */
  async resolve(key: FunctionKey, qualifier: string | undefined): Promise<ResolvedFunction> {
    if (qualifier === undefined || qualifier === LATEST || isVersionNumber(qualifier)) {
      return this.#asInvoked(await this.#version(key, qualifier ?? LATEST, qualifier ?? LATEST), key, qualifier);
    }
    const alias = await this.#alias(key, qualifier);
    const version = pickVersion(alias, (this.#deps.random ?? Math.random)());
    return this.#asInvoked(await this.#version(key, version, qualifier), key, qualifier);
  }

  /** The entry as invoked by one qualifier (its ARN), made once per entry and qualifier: every call resolves. */
  #asInvoked(entry: VersionEntry, key: FunctionKey, qualifier: string | undefined): ResolvedFunction {
    let byQualifier = this.#invoked.get(entry);
    if (byQualifier === undefined) this.#invoked.set(entry, (byQualifier = new Map<string | undefined, ResolvedFunction>()));
    let resolved = byQualifier.get(qualifier);
    if (resolved === undefined) {
      resolved = {
        record: entry.record, spec: entry.spec, functionId: entry.functionId, executedVersion: entry.executedVersion,
        invokedArn: functionArn(key.region, key.account, key.name, qualifier),
      };
      byQualifier.set(qualifier, resolved);
    }
    return resolved;
  }

  /** The alias a qualifier names (provisioned concurrency shares instances by its weights). */
  alias(key: FunctionKey, name: string): Promise<AliasRecord> {
    return this.#alias(key, name);
  }

  /**
   * Drops every cached entry (cluster mode: change notices may have been missed while the
   * node was cut off from the database); the next call reads the store again.
   */
  forgetAll(): void {
    this.#versions.clear();
    this.#aliases.clear();
  }

  dispose(): void {
    this.#unsubscribe();
  }

  /** `asked` is the qualifier the caller gave, which the not-found message names. */
  async #version(key: FunctionKey, version: string, asked: string): Promise<VersionEntry> {
    const cacheKey = `${functionIdOf(key)}:${version}`;
    const found = await this.#entry(key, version);
    if (!found) {
      this.#versions.delete(cacheKey);
      throw notFound(key, asked);
    }
    const state = version === LATEST ? found.record.latest.state : 'Active';
    if (state !== 'Active') {
      this.#versions.delete(cacheKey);
      throw new NimbusError('ResourceConflictException', `The operation cannot be performed at this time. The function is currently in the following state: ${state}`);
    }
    return found;
  }

  /** The cached entry of a version, loading it once however many calls ask at the same time. */
  #entry(key: FunctionKey, version: string): Promise<VersionEntry | undefined> {
    const cacheKey = `${functionIdOf(key)}:${version}`;
    let entry = this.#versions.get(cacheKey);
    if (!entry) {
      entry = this.#load(key, version);
      this.#versions.set(cacheKey, entry);
      entry.catch(() => this.#versions.delete(cacheKey));
    }
    return entry;
  }

  async #alias(key: FunctionKey, name: string): Promise<AliasRecord> {
    const cacheKey = `${functionIdOf(key)}#${name}`;
    let entry = this.#aliases.get(cacheKey);
    if (!entry) {
      entry = this.#deps.lookup.alias(key, name).catch((err: unknown) => {
        if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') return undefined;
        throw err;
      });
      this.#aliases.set(cacheKey, entry);
      entry.catch(() => this.#aliases.delete(cacheKey));
    }
    const alias = await entry;
    if (!alias) {
      this.#aliases.delete(cacheKey);
      throw notFound(key, name);
    }
    return alias;
  }

  #forget(functionId: string): void {
    for (const cacheKey of this.#versions.keys()) if (cacheKey.startsWith(`${functionId}:`)) this.#versions.delete(cacheKey);
    for (const cacheKey of this.#aliases.keys()) if (cacheKey.startsWith(`${functionId}#`)) this.#aliases.delete(cacheKey);
  }

  async #load(key: FunctionKey, version: string): Promise<VersionEntry | undefined> {
    let found;
    try {
      found = await this.#deps.lookup.resolve(key, version);
    } catch (err) {
      if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    return { record: found.fn, spec: await this.#specOf(key, found.version, found.fn.tags), functionId: functionIdOf(key), executedVersion: found.version.version };
  }

  async #specOf(key: FunctionKey, v: FunctionVersionRecord, tags: FunctionRecord['tags']): Promise<FunctionSpec> {
    const s = v.settings;
    const network = networkFromTags(tags);
    const codeDir = await this.#deps.code.ensure(v.code);
    const layerDirs = await Promise.all((s.layers ?? []).map((layer) => this.#deps.code.ensure(layer.code)));
    const specKey = createHash('sha256').update(v.version).update(v.code.blobKey).update(JSON.stringify(s)).update(network).digest('hex').slice(0, 16);
    return {
      account: key.account, region: key.region, name: key.name, version: v.version, specKey,
      handler: s.handler, runtime: s.runtime, codeDir, ...(layerDirs.length > 0 ? { layerDirs } : {}), memoryMb: s.memorySize, timeoutSec: s.timeout,
      ephemeralStorageMb: s.ephemeralStorageMb, environment: s.environment ?? {},
      logGroup: logGroupName(key.name, s.logGroup), logFormat: s.logFormat, network,
    };
  }
}
