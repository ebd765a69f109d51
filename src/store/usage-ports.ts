// Metering's port: usage records (one per invocation, throttled ones included) and the
// backlog figures /metrics reports. Methods are async so a networked store fits.
import type { Scope } from './records.js';

export type UsageStartType = 'cold' | 'warm' | 'provisioned';
export type UsageGrouping = 'function' | 'day' | 'hour';

export interface UsageRecord extends Scope {
  readonly function: string;
  readonly requestId: string;
  readonly version: string;
  readonly qualifier: string | undefined;
  readonly trigger: string;
  readonly architecture: 'x86_64' | 'arm64';
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
  readonly startType: UsageStartType;
  readonly outcome: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
}

export interface StoredUsageRecord extends UsageRecord {
  /** Insertion order; the invocation list's cursor. */
  readonly id: number;
}

export interface UsageRange extends Scope {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  readonly function?: string | undefined;
}

/** Billed usage of one group (a function, or the UTC day/hour starting at `key`) on one architecture. */
export interface UsageTotals {
  readonly key: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly requests: number;
  readonly billedMs: number;
  /** Σ billed ms × memory MB: GB-s without the unit conversion, exact in integers. */
  readonly mbMs: number;
}

export interface PlatformBacklog {
  /** Async events not yet settled (queued or running). */
  readonly asyncDepth: number;
  /** Epoch ms the oldest of them was accepted. */
  readonly asyncOldestAt: number | undefined;
  readonly queues: readonly { readonly account: string; readonly region: string; readonly name: string; readonly messages: number }[];
}

export interface UsageRepository {
  /** Stores records (all or none). */
  append(records: readonly UsageRecord[]): Promise<void>;
  /** Deletes records that started before the epoch-ms time; resolves with how many. */
  deleteOlderThan(timestamp: number): Promise<number>;
  /** Billed totals in the range (throttled calls are not billed), grouped by `by` and architecture. */
  totals(range: UsageRange, by: UsageGrouping): Promise<readonly UsageTotals[]>;
  /** Newest first, below `beforeId` when given. */
  list(query: Scope & { readonly function?: string | undefined; readonly beforeId?: number | undefined; readonly limit: number }): Promise<readonly StoredUsageRecord[]>;
  /** Records in the range in start order, at most `limit`. */
  range(range: UsageRange, limit: number): Promise<readonly StoredUsageRecord[]>;
  backlog(): Promise<PlatformBacklog>;
}
