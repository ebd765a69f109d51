// The store's ports. Every implementation (SQLite now, PostgreSQL for cluster mode)
// passes the one contract suite in test/store/store-contract.ts. Methods are async so a
// networked implementation fits the same shape.
import type { FunctionKey, FunctionRecord, FunctionState, FunctionVersionRecord, LastUpdateStatus, LogEvent, Scope, StoredLogEvent } from './records.js';

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

export interface LogRepository {
  /** Appends lines in one transaction. */
  append(events: readonly LogEvent[]): Promise<void>;
  query(query: LogQuery): Promise<readonly StoredLogEvent[]>;
  /** Deletes lines older than the epoch-ms time; returns how many. */
  deleteOlderThan(timestamp: number): Promise<number>;
}

export interface Store {
  readonly functions: FunctionRepository;
  readonly logs: LogRepository;
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
