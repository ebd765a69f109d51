// The store's ports. Every implementation (SQLite now, PostgreSQL for cluster mode)
// passes the one contract suite in test/store/store-contract.ts. Methods are async so a
// networked implementation fits the same shape.
import type { LayerRepository } from './layer-ports.js';
import type { AsyncEvent, AsyncEventStatus, EventInvokeConfig, FunctionKey, FunctionRecord, FunctionState, FunctionVersionRecord, LastUpdateStatus, LogEvent, Scope, StoredLogEvent } from './records.js';
import type { RouteTableRecord } from './records.js';
import type { FunctionUrlConfigRecord } from './records.js';
import type { S3Repository } from './s3-ports.js';
import type { QueueRepository } from './queue-ports.js';
import type { ExternalS3TriggerRepository } from './external-s3-triggers.js';
import type { ScheduleRepository } from './schedule-ports.js';
import type { AliasRepository, FunctionVersionRepository, ProvisionedConcurrencyRepository } from './version-ports.js';
import type { EventSourceMappingRepository } from './esm-ports.js';
import type { UsageRepository } from './usage-ports.js';
import type { AccessKeyRepository } from './access-key-ports.js';
import type { BrokerMappingRepository } from './broker-mapping-ports.js';

export interface ListPage<T> {
  readonly items: readonly T[];
  /** Opaque marker for the next page, absent on the last one. */
  readonly nextMarker: string | undefined;
}

export interface FunctionRepository {
  /** Inserts the function and its $LATEST version; false when the name is taken. */
  create(fn: FunctionRecord): Promise<boolean>;
  get(key: FunctionKey): Promise<FunctionRecord | undefined>;
  /** Functions of a scope in name order, starting after `marker`. */
  list(scope: Scope, marker: string | undefined, limit: number): Promise<ListPage<FunctionRecord>>;
  /**
   * Replaces $LATEST if its RevisionId is still `expectedRevisionId` (compare-and-swap,
   * so two nodes or two requests cannot both win); false when it changed or is gone.
   */
  replaceLatest(next: FunctionVersionRecord, expectedRevisionId: string): Promise<boolean>;
  setReservedConcurrency(key: FunctionKey, value: number | undefined): Promise<boolean>;
  setTags(key: FunctionKey, tags: Readonly<Record<string, string>>): Promise<boolean>;
  /** Deletes the function with all its versions; false when it did not exist. */
  delete(key: FunctionKey): Promise<boolean>;
  /** Functions whose $LATEST is in one of these states, across scopes (start-up recovery). */
  listUnsettled(states: readonly FunctionState[], updateStatuses: readonly LastUpdateStatus[]): Promise<readonly FunctionVersionRecord[]>;
  /** Every code blob key still referenced (for garbage collection). */
  referencedBlobKeys(): Promise<ReadonlySet<string>>;
}

export interface LogQuery extends Scope {
  readonly logGroup: string;
  /** Only lines at or after this epoch-ms time. */
  readonly since?: number | undefined;
  /** Only lines stored after this id (a follow cursor). */
  readonly afterId?: number | undefined;
  readonly requestId?: string | undefined;
  /** At most this many lines, oldest first. */
  readonly limit: number;
}

/** A place in a log group's time order: lines sort by timestamp, then by id. */
export interface LogPosition {
  readonly timestamp: number;
  readonly id: number;
}

/** A read of one log group in time order (CloudWatch's FilterLogEvents/GetLogEvents). */
export interface LogScan extends Scope {
  readonly logGroup: string;
  /** Only these streams; all when undefined. */
  readonly logStreams?: readonly string[] | undefined;
  /** Only streams whose name starts with this (case-sensitive). */
  readonly logStreamPrefix?: string | undefined;
  /** Only lines at or after this epoch-ms time. */
  readonly from?: number | undefined;
  /** Only lines before this epoch-ms time. */
  readonly until?: number | undefined;
  /** Continue strictly past this position: after it oldest-first, before it newest-first. */
  readonly position?: LogPosition | undefined;
  /** Newest line first; oldest first when false or absent. */
  readonly newestFirst?: boolean | undefined;
  readonly limit: number;
}

/** What DescribeLogGroups and DescribeLogStreams report, derived from the stored lines. */
export interface LogGroupSummary {
  readonly logGroup: string;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** UTF-8 bytes of the stored messages. */
  readonly storedBytes: number;
}

export interface LogStreamSummary {
  readonly logStream: string;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly storedBytes: number;
}

export interface LogGroupListing {
  /** Only groups whose name starts with this (case-sensitive). */
  readonly prefix?: string | undefined;
  /** Only groups named after this one (a page marker). */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface LogRepository {
  /** Appends lines in one transaction. */
  append(events: readonly LogEvent[]): Promise<void>;
  query(query: LogQuery): Promise<readonly StoredLogEvent[]>;
  /** Deletes lines older than the epoch-ms time; returns how many. */
  deleteOlderThan(timestamp: number): Promise<number>;
  /** Lines of one group in (timestamp, id) order, or the reverse. A group exists while it has lines. */
  scan(scan: LogScan): Promise<readonly StoredLogEvent[]>;
  /** The groups of a scope that have lines, in name order. */
  listGroups(scope: Scope, listing: LogGroupListing): Promise<readonly LogGroupSummary[]>;
  /** Every stream of a group that has lines, in name order. */
  listStreams(group: Scope & { readonly logGroup: string; readonly prefix?: string | undefined }): Promise<readonly LogStreamSummary[]>;
}

/** What settling a leased event does, atomically with its follow-up events. */
export type EventSettlement =
  | { readonly kind: 'succeeded' | 'failed'; readonly lastError?: string | undefined }
  | { readonly kind: 'retry'; readonly notBefore: number; readonly countsAsAttempt: boolean; readonly lastError: string };

/**
 * The durable queue of asynchronous invocations. Delivery is at least once: a leased
 * event whose lease expires (its worker died) is leased again. A SQL implementation
 * leases with `FOR UPDATE SKIP LOCKED` (PostgreSQL) or in one write transaction (SQLite).
 */
export interface EventQueue {
  /** Stores events durably (all or none); resolves only when they would survive a crash. */
  enqueue(events: readonly AsyncEvent[]): Promise<void>;
  /**
   * Leases up to `limit` due events (queued with notBefore <= now, or leased with an
   * expired lease), at most `perFunction` of any one function so none starves the rest.
   */
  lease(owner: string, now: number, leaseMs: number, limit: number, perFunction: number): Promise<readonly AsyncEvent[]>;
  /** Extends a lease this owner holds; false when it lost it. */
  extend(id: string, owner: string, until: number): Promise<boolean>;
  /** Settles a leased event and enqueues follow-ups (destinations) in one transaction; false when the lease was lost. */
  settle(id: string, owner: string, now: number, settlement: EventSettlement, followUps: readonly AsyncEvent[]): Promise<boolean>;
  /** Gives back every lease of `owner` (a clean stop, or start-up after a crash in single-node mode). */
  releaseAll(owner: string | undefined): Promise<number>;
  list(filter: { readonly account: string; readonly region: string; readonly name?: string | undefined; readonly status?: AsyncEventStatus | undefined; readonly limit: number }): Promise<readonly AsyncEvent[]>;
  /** Deletes settled events older than the epoch-ms time. */
  pruneSettled(before: number): Promise<number>;
}

export interface EventInvokeConfigRepository {
  put(config: EventInvokeConfig): Promise<void>;
  get(key: FunctionKey, qualifier: string): Promise<EventInvokeConfig | undefined>;
  list(key: FunctionKey): Promise<readonly EventInvokeConfig[]>;
  delete(key: FunctionKey, qualifier: string): Promise<boolean>;
}

/** The HTTP API route table of each account and region, read and written whole. */
export interface RouteRepository {
  get(scope: Scope): Promise<RouteTableRecord | undefined>;
  /**
   * Stores the table if the scope's current revision is still `expectedRevision`
   * (undefined: no table yet) — compare-and-swap, so concurrent edits cannot both win;
   * false when it changed.
   */
  put(table: RouteTableRecord, expectedRevision: string | undefined): Promise<boolean>;
}

/** Function URL configs; `urlId` is unique across the platform. */
export interface FunctionUrlRepository {
  /** Inserts the config; false when the function and qualifier have one already (or the url id is taken). */
  create(config: FunctionUrlConfigRecord): Promise<boolean>;
  get(key: FunctionKey, qualifier: string): Promise<FunctionUrlConfigRecord | undefined>;
  getByUrlId(urlId: string): Promise<FunctionUrlConfigRecord | undefined>;
  /** The configs of a function, in qualifier order. */
  list(key: FunctionKey): Promise<readonly FunctionUrlConfigRecord[]>;
  /** Replaces the config of the same function and qualifier (its urlId and createdAt kept); false when there is none. */
  update(config: FunctionUrlConfigRecord): Promise<boolean>;
  delete(key: FunctionKey, qualifier: string): Promise<boolean>;
}

export interface Store {
  readonly functions: FunctionRepository;
  readonly events: EventQueue;
  readonly eventInvokeConfigs: EventInvokeConfigRepository;
  readonly logs: LogRepository;
  readonly routes: RouteRepository;
  readonly functionUrls: FunctionUrlRepository;
  /** S3 buckets, objects, multipart uploads and the object-event outbox (s3-ports.ts). */
  readonly objects: S3Repository;
  /** SQS-compatible queues and their messages (queue-ports.ts). */
  readonly queues: QueueRepository;
  /** Trigger configuration of buckets in external S3-compatible stores. */
  readonly externalS3Triggers: ExternalS3TriggerRepository;
  /** EventBridge-style schedules (schedule-ports.ts). */
  readonly schedules: ScheduleRepository;
  /** Published versions, aliases and provisioned concurrency configs (version-ports.ts). */
  readonly versions: FunctionVersionRepository;
  readonly aliases: AliasRepository;
  readonly provisionedConcurrency: ProvisionedConcurrencyRepository;
  /** Event source mappings from SQS queues to functions (esm-ports.ts). */
  readonly eventSourceMappings: EventSourceMappingRepository;
  /** Metering's usage records (usage-ports.ts). */
  readonly usage: UsageRepository;
  /** Lambda layer versions (layer-ports.ts). */
  readonly layers: LayerRepository;
  /** Access keys and the platform secret (access-key-ports.ts). */
  readonly accessKeys: AccessKeyRepository;
  /** Event sources beyond SQS: broker and CDC mappings to functions (broker-mapping-ports.ts). */
  readonly brokerMappings: BrokerMappingRepository;
  /** Closes connections; idempotent. */
  close(): Promise<void>;
}

/** Content-addressed bytes (function zips). Writes are atomic: nothing half-written is visible. */
export interface BlobStore {
  /** Stores the bytes and returns their hex SHA-256 key. */
  put(bytes: Buffer): Promise<string>;
  get(key: string): Promise<Buffer | undefined>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(): Promise<readonly string[]>;
}
