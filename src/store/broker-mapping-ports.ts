// The broker mappings' port (docs/event-sources.md): which broker or CDC source (a Redis
// stream, a RabbitMQ queue, a PostgreSQL table …, one SourcePlugin per kind) feeds which
// function, with the batching, retry and failure-destination settings, and what the
// runtime last saw. Kept beside ports.ts so the part stays in a file of its own; Store
// references it. The SQS event source mappings keep their own port (esm-ports.ts).
import type { Scope } from './records.js';

export type BrokerMappingState = 'Enabled' | 'Disabled';

/** What `POST /nimbus/v1/event-sources` and PATCH set. */
export interface BrokerMappingSettings {
  /** A function of the mapping's own account and region. */
  readonly functionName: string;
  /** A version or alias; undefined invokes the unqualified function ($LATEST). */
  readonly qualifier: string | undefined;
  /** 1–10000 (default 100). */
  readonly batchSize: number;
  /** 0–300 (default 0: invoke with what one read returned). */
  readonly maximumBatchingWindowSeconds: number;
  /** -1 = retry until the record expires from the source (forever here); 0–10000. */
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** An SQS queue ARN of the platform; undefined: a batch that exhausted its retries is dropped. */
  readonly onFailureDestination: string | undefined;
  readonly enabled: boolean;
}

export interface BrokerMappingRecord extends Scope, BrokerMappingSettings {
  readonly uuid: string;
  /** The plugin's kind (`redis-stream`, `postgres-cdc` …). */
  readonly kind: string;
  /** The source settings as the user gave them (JSON text), checked by the plugin's parseConfig. */
  readonly sourceConfig: string;
  readonly state: BrokerMappingState;
  /** 'No records processed', 'OK', 'PROBLEM: …' (Lambda's wording). */
  readonly lastProcessingResult: string;
  /** The last error the runtime met (connect, function error, destination), if any. */
  readonly lastError: string | undefined;
  /** Bumped by every change through the API; update() is compare-and-swap on it. */
  readonly revision: number;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly lastModified: number;
}

export interface BrokerMappingRepository {
  /** Inserts the mapping; false when its UUID exists. */
  create(mapping: BrokerMappingRecord): Promise<boolean>;
  /** By UUID across scopes (UUIDs are unique); the caller checks the scope. */
  get(uuid: string): Promise<BrokerMappingRecord | undefined>;
  /** Mappings of a scope in creation order. */
  list(scope: Scope): Promise<readonly BrokerMappingRecord[]>;
  /** Every mapping of every scope in creation order (start-up, rebalance). */
  all(): Promise<readonly BrokerMappingRecord[]>;
  /** Replaces the mapping if its revision is still `expectedRevision` (compare-and-swap); false otherwise or when gone. */
  update(next: BrokerMappingRecord, expectedRevision: number): Promise<boolean>;
  /** The runtime's report (no revision change): the latest batch's result and error. */
  setResult(uuid: string, lastProcessingResult: string, lastError: string | undefined): Promise<void>;
  /** Removes the mapping; false when it was gone. */
  delete(uuid: string): Promise<boolean>;
}
