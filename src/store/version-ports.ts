// The ports of published versions, aliases and provisioned concurrency configs
// (docs/versions.md). Kept beside ports.ts so the part stays in files of its own; Store
// references them. Published versions are rows of the same table as $LATEST, so
// FunctionRepository.referencedBlobKeys covers their code too.
import type { FunctionKey, FunctionVersionRecord } from './records.js';

/** An alias: a name for a version, or for two with a traffic split. */
export interface AliasRecord extends FunctionKey {
  readonly alias: string;
  /** The primary version: `$LATEST` or a published number. */
  readonly functionVersion: string;
  readonly description: string;
  /** RoutingConfig.AdditionalVersionWeights: at most one other version and its share of calls (0–1). */
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
  /** Changes on every update (compare-and-swap, UpdateAlias RevisionId). */
  readonly revisionId: string;
}

/** PutProvisionedConcurrencyConfig, per version or alias. How much is ready is runtime state, not stored. */
export interface ProvisionedConcurrencyConfigRecord extends FunctionKey {
  readonly qualifier: string;
  readonly requested: number;
  /** Lambda's string form `YYYY-MM-DDThh:mm:ss.sss+0000`. */
  readonly lastModified: string;
}

export type PublishOutcome =
  | { readonly kind: 'published' | 'unchanged'; readonly version: FunctionVersionRecord }
  /** $LATEST changed (or the function went away) since it was read. */
  | { readonly kind: 'conflict' };

export type VersionDeleteOutcome =
  | { readonly kind: 'deleted' | 'missing' }
  | { readonly kind: 'referenced'; readonly aliases: readonly string[] };

/** Alias writes check that the versions it names exist, in the same transaction. */
export type AliasWriteOutcome = 'written' | 'exists' | 'changed' | { readonly missingVersion: string };

export interface FunctionVersionRepository {
  /**
   * Stores `snapshot` as the function's next version number (numbers are never reused,
   * also after a deletion) if $LATEST still has `expectedLatestRevision`; when the newest
   * existing version was taken from the same `sourceDigest` (nothing changed since), that
   * version is returned instead.
   */
  publish(snapshot: Omit<FunctionVersionRecord, 'version'>, sourceDigest: string, expectedLatestRevision: string): Promise<PublishOutcome>;
  /** A published version (never $LATEST). */
  get(key: FunctionKey, version: string): Promise<FunctionVersionRecord | undefined>;
  /** Up to `limit` published versions in number order, after `afterVersion` (0: from the first); `more` when others follow. */
  list(key: FunctionKey, afterVersion: number, limit: number): Promise<{ readonly items: readonly FunctionVersionRecord[]; readonly more: boolean }>;
  /**
   * Deletes a published version with its provisioned concurrency and event invoke
   * configs, unless an alias routes calls to it.
   */
  delete(key: FunctionKey, version: string): Promise<VersionDeleteOutcome>;
}

export interface AliasRepository {
  /** `exists` when the name is taken; `missingVersion` when a version it names does not exist. */
  create(alias: AliasRecord): Promise<AliasWriteOutcome>;
  get(key: FunctionKey, alias: string): Promise<AliasRecord | undefined>;
  /** The aliases of a function in name order. */
  list(key: FunctionKey): Promise<readonly AliasRecord[]>;
  /** Compare-and-swap on the RevisionId: `changed` when it moved on or the alias is gone. */
  update(next: AliasRecord, expectedRevisionId: string): Promise<AliasWriteOutcome>;
  /** Deletes the alias with its provisioned concurrency, event invoke and function URL configs. */
  delete(key: FunctionKey, alias: string): Promise<boolean>;
}

export interface ProvisionedConcurrencyRepository {
  /** Inserts or replaces the config of a version or alias; false when the function is gone. */
  put(config: ProvisionedConcurrencyConfigRecord): Promise<boolean>;
  get(key: FunctionKey, qualifier: string): Promise<ProvisionedConcurrencyConfigRecord | undefined>;
  /** The configs of a function in qualifier order. */
  list(key: FunctionKey): Promise<readonly ProvisionedConcurrencyConfigRecord[]>;
  /** Every config of every scope (start-up provisions them again). */
  listAll(): Promise<readonly ProvisionedConcurrencyConfigRecord[]>;
  delete(key: FunctionKey, qualifier: string): Promise<boolean>;
}
