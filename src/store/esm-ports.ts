// The event source mappings' port (docs/event-source-mappings.md): which SQS queue feeds
// which function, with the batching and scaling settings, and the mapping's state as the
// Lambda API reports it. Kept beside ports.ts so the part stays in files of its own; Store
// references it.
import type { ListPage } from './ports.js';
import type { Scope } from './records.js';

/**
 * Lambda's states. A change through the API writes a transitional one (…ing); the pollers
 * move it on (to Enabled or Disabled, or remove a Deleting mapping) once they acted on it.
 */
export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** What CreateEventSourceMapping and UpdateEventSourceMapping set. */
export interface MappingSettings {
  /** A function of the mapping's own account and region. */
  readonly functionName: string;
  /** A version or alias; undefined invokes the unqualified function ($LATEST). */
  readonly qualifier: string | undefined;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /** FunctionResponseTypes ["ReportBatchItemFailures"]. */
  readonly reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency; undefined: no cap of the mapping's own. */
  readonly maximumConcurrency: number | undefined;
  readonly enabled: boolean;
}

export interface EventSourceMappingRecord extends Scope, MappingSettings {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  readonly lastProcessingResult: string;
  /** Bumped by every change through the API; the pollers' state moves are conditional on it. */
  readonly revision: number;
  /** Epoch ms of the last change through the API. */
  readonly lastModified: number;
}

export interface MappingFilter {
  readonly eventSourceArn?: string | undefined;
  readonly functionName?: string | undefined;
  /** With functionName: only mappings of this qualifier ('' = unqualified). */
  readonly qualifier?: string | undefined;
}

export type MappingWrite = 'written' | 'stale' | { readonly duplicateOf: string };

export interface EventSourceMappingRepository {
  /**
   * Inserts the mapping. A scope holds one mapping per queue and function (name and
   * qualifier): when one exists already, nothing is written and its UUID is returned.
   */
  create(mapping: EventSourceMappingRecord): Promise<MappingWrite>;
  /** By UUID across scopes (UUIDs are unique); the caller checks the scope. */
  get(uuid: string): Promise<EventSourceMappingRecord | undefined>;
  /** Mappings of a scope in creation order, after `marker` (opaque, from a previous page). */
  list(scope: Scope, filter: MappingFilter, marker: string | undefined, limit: number): Promise<ListPage<EventSourceMappingRecord>>;
  /** Whether `marker` is one list() could have returned. */
  isMarker(marker: string): boolean;
  /** Every mapping of every scope (start-up). */
  all(): Promise<readonly EventSourceMappingRecord[]>;
  /** Replaces the mapping if its revision is still `expectedRevision` (compare-and-swap). */
  replace(next: EventSourceMappingRecord, expectedRevision: number): Promise<MappingWrite>;
  /** Moves the state if the revision is still `expectedRevision` (the pollers acting on a change); false otherwise. */
  settleState(uuid: string, expectedRevision: number, state: MappingState): Promise<boolean>;
  /** Records the outcome of the latest batch (no revision change). */
  setLastProcessingResult(uuid: string, result: string): Promise<void>;
  /** Removes the mapping; false when it was gone. */
  delete(uuid: string): Promise<boolean>;
}
