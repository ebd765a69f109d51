// One row change as a DynamoDB Streams record, so functions (and their tooling) written
// for DynamoDB Streams read PostgreSQL changes unchanged: INSERT/MODIFY/REMOVE, Keys, the
// images the view type asks for, a SequenceNumber that sorts in commit order.
//
// Old images: PostgreSQL only logs the old row when the table has REPLICA IDENTITY FULL;
// otherwise the old row is known by its key alone, so OldImage then holds the key columns.
import type { Pgoutput } from 'pg-logical-replication';
import type { StreamViewType } from './postgres-cdc-config.js';
import { columnAttribute, type AttributeValue } from './postgres-cdc-values.js';

export type RowChange = Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete;
type Tuple = Record<string, unknown>;
type Image = Record<string, AttributeValue>;

export interface DynamoDbStreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: '1.1';
  readonly eventSource: 'nimbus:postgres-cdc';
  readonly eventSourceArn: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Image;
    readonly NewImage?: Image;
    readonly OldImage?: Image;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: StreamViewType;
  };
}

/** Where a change sits in the stream: its transaction's commit and its place inside it. */
export interface ChangePosition {
  /** The commit record's LSN (begin message's commitLsn), `X/Y` hex. */
  readonly commitLsn: string;
  readonly index: number;
  /** Commit time, epoch ms. */
  readonly commitTimeMs: number;
}

export function lsnToBigInt(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high ?? '0'}`) << 32n) | BigInt(`0x${low ?? '0'}`);
}

export function bigIntToLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * The commit LSN as 20 decimal digits, then the change's index in its transaction as 8:
 * transactions arrive in commit order, so the string sorts in delivery order.
 */
export function sequenceNumber(position: ChangePosition): string {
  return lsnToBigInt(position.commitLsn).toString().padStart(20, '0') + String(position.index).padStart(8, '0');
}

function image(relation: Pgoutput.MessageRelation, tuple: Tuple, only?: readonly string[]): Image {
  const out: Image = {};
  for (const column of relation.columns) {
    if (only !== undefined && !only.includes(column.name)) continue;
    const value = tuple[column.name];
    // undefined: an unchanged TOASTed value PostgreSQL did not send; leave it out rather than guess.
    if (value === undefined) continue;
    out[column.name] = columnAttribute(value as string | null, column.typeOid);
  }
  return out;
}

/** The row as it was: the full old row under REPLICA IDENTITY FULL, else its key columns. */
function oldTuple(change: Pgoutput.MessageUpdate | Pgoutput.MessageDelete): Tuple {
  if (change.old !== null) return change.old;
  if (change.key !== null) return change.key;
  // An UPDATE that kept the key under the default identity sends no old tuple: the key is the new one's.
  return (change as Pgoutput.MessageUpdate).new;
}

const EVENT_NAMES = { insert: 'INSERT', update: 'MODIFY', delete: 'REMOVE' } as const;

export function streamRecord(change: RowChange, primaryKey: readonly string[], position: ChangePosition, view: StreamViewType): DynamoDbStreamRecord {
  const { relation } = change;
  const oldRow = change.tag === 'insert' ? undefined : oldTuple(change);
  const newRow = change.tag === 'delete' ? undefined : change.new;
  const Keys = image(relation, (newRow ?? oldRow) as Tuple, primaryKey);
  const withNew = newRow !== undefined && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
  const withOld = oldRow !== undefined && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
  const NewImage = withNew ? image(relation, newRow) : undefined;
  const OldImage = withOld ? image(relation, oldRow, change.tag !== 'insert' && change.old !== null ? undefined : primaryKey) : undefined;
  const SequenceNumber = sequenceNumber(position);
  const SizeBytes = Buffer.byteLength(JSON.stringify({ Keys, NewImage, OldImage }));
  return {
    eventID: SequenceNumber,
    eventName: EVENT_NAMES[change.tag],
    eventVersion: '1.1',
    eventSource: 'nimbus:postgres-cdc',
    eventSourceArn: `arn:nimbus:postgres:::table/${relation.schema}.${relation.name}`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(position.commitTimeMs / 1000),
      Keys,
      ...(NewImage === undefined ? {} : { NewImage }),
      ...(OldImage === undefined ? {} : { OldImage }),
      SequenceNumber,
      SizeBytes,
      StreamViewType: view,
    },
  };
}

/** Records of one row, in the order the runtime must keep: the table and the key values. */
export function rowOrderKey(record: DynamoDbStreamRecord): string {
  const table = record.eventSourceArn.slice(record.eventSourceArn.indexOf('table/') + 'table/'.length);
  return `${table}:${JSON.stringify(record.dynamodb.Keys)}`;
}
