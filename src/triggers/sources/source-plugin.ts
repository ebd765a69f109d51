// Event sources beyond SQS: the systems users already run (PostgreSQL change data
// capture, Redis Streams, RabbitMQ, NATS JetStream, MQTT). One plugin per kind implements
// this contract; the broker mapping runtime (broker-pollers.ts) does the rest the same way
// for all of them: batching, invoking, retries with bisect-on-error, the failure
// destination, acknowledgement, leases in a cluster, state and lag. Delivery is at least
// once: what was read and not acknowledged is read again after a restart.
export interface SourceRecord {
  /** Unique within the source: the record's stream id, delivery tag, LSN, message id … */
  readonly id: string;
  /**
   * Records with the same key are delivered in read order and never in two batches at
   * once (a row's primary key, an MQTT topic, …); undefined: no order promised beyond the source's.
   */
  readonly orderKey?: string | undefined;
  /** The record as it appears in the event's `Records` array (JSON-serialisable). */
  readonly payload: unknown;
  /** Epoch ms the source stamped on it, when it has one (lag and latency). */
  readonly timestamp?: number | undefined;
}

export interface SourceReader {
  /**
   * Up to `max` records, waiting at most `waitMs` for the first one; [] when none came in
   * time or `signal` aborted. Records of a batch not yet acknowledged or released are not
   * returned again by later reads.
   */
  read(max: number, waitMs: number, signal: AbortSignal): Promise<readonly SourceRecord[]>;
  /** Done with them (the function succeeded, or they went to the failure destination): never delivered again. */
  ack(records: readonly SourceRecord[]): Promise<void>;
  /** Not done: they are read again (by a later read here, or after a restart). */
  release(records: readonly SourceRecord[]): Promise<void>;
  /** Stops reading; unacknowledged records stay with the source for the next reader. Idempotent. */
  close(): Promise<void>;
  /** How far behind the reader is (records waiting), when the source can tell. */
  lag?(): Promise<number | undefined>;
}

export interface SourceContext {
  /** The mapping's UUID: names durable consumers, consumer groups, replication slots. */
  readonly mappingId: string;
  readonly onError: (err: unknown) => void;
}

export interface SourcePlugin<Config = unknown> {
  /** The kind users name: `postgres-cdc`, `redis-stream`, `rabbitmq`, `nats`, `mqtt`. */
  readonly kind: string;
  /**
   * Checks a mapping's source settings as the user gave them (JSON), throwing Lambda's
   * InvalidParameterValueException (src/errors.ts invalidParameter) naming the field.
   */
  parseConfig(raw: unknown): Config;
  /** Connects and starts reading where the last reader of this mapping left off. */
  open(config: Config, context: SourceContext): Promise<SourceReader>;
  /** The event a batch becomes, e.g. `{ Records: [...] }` with the source's own fields. */
  event(records: readonly SourceRecord[], config: Config): unknown;
  /** Optional clean-up when the mapping is deleted (a replication slot, a consumer group). */
  forget?(config: Config, context: SourceContext): Promise<void>;
}
