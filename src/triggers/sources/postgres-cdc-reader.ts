// Reading one mapping's replication slot. Row changes arrive per transaction in commit
// order; each becomes a record when its transaction commits. The slot's confirmed position
// is the checkpoint: it moves to a transaction's commit end only once every record of that
// transaction and of all earlier ones is acknowledged (a watermark), so after a restart,
// even a kill -9, PostgreSQL re-sends exactly the transactions not fully acknowledged.
// The stream never rewinds while connected, so released records are kept here and read
// again from memory.
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import pg from 'pg';
import type { SourceContext, SourceReader, SourceRecord } from './source-plugin.js';
import type { PostgresCdcConfig } from './postgres-cdc-config.js';
import { RecordBuffer } from './record-buffer.js';
import { bigIntToLsn, lsnToBigInt, rowOrderKey, streamRecord, type RowChange } from './postgres-cdc-records.js';
import { primaryKeyColumns, slotConfirmedLsn, slotLagBytes } from './postgres-cdc-setup.js';

const keepText = (raw: unknown): unknown => raw;

/** pgoutput with column values left as PostgreSQL's text, for exact numbers and timestamps. */
class TextPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    if (message.tag === 'relation') for (const column of message.columns) column.parser = keepText;
    return message;
  }
}

/** A committed transaction's records still to be acknowledged, and where it ends in the WAL. */
interface Transaction {
  readonly endLsn: bigint;
  pending: number;
}

interface Entry {
  readonly record: SourceRecord;
  readonly transaction: Transaction;
}

interface OpenTransaction {
  readonly commitLsn: string;
  readonly commitTimeMs: number;
  readonly records: SourceRecord[];
}

export class PostgresCdcReader implements SourceReader {
  private readonly service: LogicalReplicationService;
  private readonly catalog: pg.Pool;
  /** Records to hand out, in sequence order. */
  private readonly ready = new RecordBuffer<Entry>();
  private readonly inFlight = new Map<string, Entry>();
  /** Committed transactions not yet fully acknowledged, in commit order. */
  private readonly unacknowledged: Transaction[] = [];
  private open: OpenTransaction | undefined;
  /** The flush position last reported to the slot: everything before it is done. */
  private confirmed = 0n;
  private readonly primaryKeys = new Map<number, readonly string[]>();
  /** Messages are handled one after another, in stream order, even when handling waits on the catalog. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Until the stream has started, a failure fails open() instead of being reported. */
  private started = false;

  private constructor(
    private readonly config: PostgresCdcConfig,
    private readonly context: SourceContext,
    private readonly slot: string,
    private readonly publication: string,
  ) {
    // Acknowledging is ours alone: the library's automatic acks would confirm unprocessed changes.
    this.service = new LogicalReplicationService({ connectionString: config.url }, { acknowledge: { auto: false, timeoutSeconds: 0 } });
    this.catalog = new pg.Pool({ connectionString: config.url, max: 1, idleTimeoutMillis: 30_000 });
    this.catalog.on('error', () => undefined); // an idle connection dropping is not an error of the stream
  }

  static async start(config: PostgresCdcConfig, context: SourceContext, slot: string, publication: string): Promise<PostgresCdcReader> {
    const reader = new PostgresCdcReader(config, context, slot, publication);
    try {
      await reader.subscribe();
    } catch (err) {
      await reader.close();
      throw err;
    }
    return reader;
  }

  private async subscribe(): Promise<void> {
    this.confirmed = lsnToBigInt((await slotConfirmedLsn(this.catalog, this.slot)) ?? '0/0');
    const service = this.service;
    service.on('data', (_lsn: string, message: Pgoutput.Message) => this.enqueue(() => this.handle(message)));
    service.on('heartbeat', (lsn: string, _time: number, shouldRespond: boolean) => this.enqueue(() => this.heartbeat(lsn, shouldRespond)));
    service.on('error', (err: Error) => this.fail(err));
    const plugin = new TextPgoutputPlugin({ protoVersion: 1, publicationNames: [this.publication] });
    await new Promise<void>((resolve, reject) => {
      service.once('start', () => {
        this.started = true;
        resolve();
      });
      service.subscribe(plugin, this.slot).then(
        () => {
          const ended = new Error(`replication from slot '${this.slot}' ended`);
          reject(ended);
          this.fail(ended);
        },
        (err: unknown) => {
          reject(err instanceof Error ? err : new Error(String(err)));
          this.fail(err);
        },
      );
    });
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch((err: unknown) => this.fail(err));
  }

  /** The stream broke: reported, and reads fail from now on so the runtime reopens the reader. */
  private fail(err: unknown): void {
    if (this.closed || !this.started) return;
    this.ready.fail(err instanceof Error ? err : new Error(String(err)));
    this.context.onError(err);
  }

  private async keyOf(relation: Pgoutput.MessageRelation): Promise<readonly string[]> {
    const primaryKey = await primaryKeyColumns(this.catalog, relation.relationOid);
    if (primaryKey.length > 0) return primaryKey;
    // No primary key: the replica identity index, else (FULL or NOTHING) every column.
    return relation.replicaIdentity === 'index' || relation.replicaIdentity === 'default' ? relation.keyColumns : relation.columns.map((c) => c.name);
  }

  private async handle(message: Pgoutput.Message): Promise<void> {
    switch (message.tag) {
      case 'relation':
        this.primaryKeys.set(message.relationOid, await this.keyOf(message));
        return;
      case 'begin':
        this.open = { commitLsn: message.commitLsn ?? '0/0', commitTimeMs: Number((message.commitTime as bigint) / 1000n), records: [] };
        return;
      case 'insert':
      case 'update':
      case 'delete':
        this.change(message);
        return;
      case 'commit':
        this.commit(lsnToBigInt(message.commitEndLsn ?? '0/0'));
        return;
      default:
        return; // truncate, origin, type and logical messages have no row to report
    }
  }

  private change(change: RowChange): void {
    const open = this.open;
    if (open === undefined) return;
    const primaryKey = this.primaryKeys.get(change.relation.relationOid) ?? change.relation.keyColumns;
    const payload = streamRecord(change, primaryKey, { commitLsn: open.commitLsn, index: open.records.length, commitTimeMs: open.commitTimeMs }, this.config.streamViewType);
    open.records.push({ id: payload.dynamodb.SequenceNumber, orderKey: rowOrderKey(payload), payload, timestamp: open.commitTimeMs });
  }

  private commit(endLsn: bigint): void {
    const records = this.open?.records ?? [];
    this.open = undefined;
    const transaction: Transaction = { endLsn, pending: records.length };
    this.unacknowledged.push(transaction);
    for (const record of records) this.ready.push({ record, transaction });
    this.advance();
  }

  /** Moves the checkpoint past every leading transaction whose records are all acknowledged. */
  private advance(): void {
    let moved = false;
    while (this.unacknowledged[0] !== undefined && this.unacknowledged[0].pending === 0) {
      const done = this.unacknowledged.shift() as Transaction;
      if (done.endLsn > this.confirmed) {
        this.confirmed = done.endLsn;
        moved = true;
      }
    }
    if (moved) this.report();
  }

  /** Tells the slot everything before `confirmed` is done (the library reports the LSN given + 1). */
  private report(): void {
    if (this.closed || this.confirmed === 0n) return;
    void this.service.acknowledge(bigIntToLsn(this.confirmed - 1n)).catch((err: unknown) => this.fail(err));
  }

  private heartbeat(lsn: string, shouldRespond: boolean): void {
    // Nothing outstanding: WAL up to the server's position holds nothing more for us, so the
    // slot may release it (otherwise writes to other tables would pile up behind the slot).
    const position = lsnToBigInt(lsn);
    if (this.open === undefined && this.unacknowledged.length === 0 && position > this.confirmed) {
      this.confirmed = position;
      this.report();
    } else if (shouldRespond) {
      this.report();
    }
  }

  async read(max: number, waitMs: number, signal: AbortSignal): Promise<readonly SourceRecord[]> {
    const taken = await this.ready.take(max, waitMs, signal);
    for (const entry of taken) this.inFlight.set(entry.record.id, entry);
    return taken.map((entry) => entry.record);
  }

  /** The entries of records handed out by read and not yet acknowledged or released. */
  private settle(records: readonly SourceRecord[]): Entry[] {
    const entries = records.map((record) => this.inFlight.get(record.id)).filter((entry) => entry !== undefined);
    for (const entry of entries) this.inFlight.delete(entry.record.id);
    return entries;
  }

  ack(records: readonly SourceRecord[]): Promise<void> {
    for (const entry of this.settle(records)) entry.transaction.pending--;
    this.advance();
    return Promise.resolve();
  }

  release(records: readonly SourceRecord[]): Promise<void> {
    // Sequence numbers are fixed-width, so string order is stream order.
    const released = this.settle(records).sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
    this.ready.putBack(released);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready.end();
    await this.service.destroy().catch(() => undefined);
    await this.catalog.end().catch(() => undefined);
  }

  async lag(): Promise<number | undefined> {
    if (this.closed) return undefined;
    return slotLagBytes(this.catalog, this.slot).catch(() => undefined);
  }
}
