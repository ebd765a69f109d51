// The object store's ports: bucket and object metadata (S3Repository, with the
// notification outbox written in the same transactions) and the bytes of objects
// (ObjectDataStore). Every implementation passes test/store/s3-contract.ts.
import type { Readable } from 'node:stream';
import type { BucketNotificationSource, LambdaNotification, ObjectEventOutbox, ObjectEventRecord } from '../objects/object-events.js';
import type { Scope } from './records.js';

export interface BucketRecord extends Scope {
  /** Bucket names are global across accounts, as in S3. */
  readonly name: string;
  readonly createdAt: number;
}

/** A bucket's notification configuration, validated. */
export interface NotificationConfigRecord {
  readonly lambda: readonly LambdaNotification[];
  /**
   * Queue, Topic and EventBridge configurations as the client sent them (parsed XML as
   * JSON), kept so a Get returns what a Put stored; Nimbus delivers only to functions.
   */
  readonly others: readonly unknown[];
}

/** The headers S3 stores with an object and returns on GET and HEAD. */
export interface ContentHeaders {
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly contentDisposition: string | undefined;
  readonly contentLanguage: string | undefined;
  readonly cacheControl: string | undefined;
  /** As the client sent it (S3 keeps the text). */
  readonly expires: string | undefined;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface ObjectChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64, as in the x-amz-checksum-* headers. */
  readonly value: string;
}

/** One file of an object's bytes; a multipart object has one per part, in order. */
export interface DataSegment {
  readonly fileId: string;
  readonly size: number;
}

/** What a PUT, copy or multipart completion stores about an object. */
export interface ObjectMetadata {
  readonly content: ContentHeaders;
  /** x-amz-meta-* without the prefix, names lower-cased. */
  readonly userMetadata: Readonly<Record<string, string>>;
}

export interface ObjectRecord extends ObjectMetadata {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Without quotes: hex MD5, or `<hex>-<parts>` for a multipart object. */
  readonly etag: string;
  readonly lastModified: number;
  readonly checksum: ObjectChecksum | undefined;
  readonly segments: readonly DataSegment[];
}

export interface UploadRecord extends ObjectMetadata {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  /** The access key id that started it (ListMultipartUploads' Initiator). */
  readonly initiator: string;
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
}

export interface PartRecord {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly checksum: ObjectChecksum | undefined;
  readonly fileId: string;
}

/** An outbox row as a change writes it; the store assigns seq and sequencer. */
export type ObjectEventInput = Omit<ObjectEventRecord, 'seq' | 'sequencer'>;

/** A condition on the object a write replaces, checked in the write's transaction. */
export interface WriteCondition {
  /** If-None-Match: * — only when no object has the key. */
  readonly absent?: boolean;
  /** If-Match — only when the current object has this ETag (unquoted). */
  readonly etag?: string;
}

export type PutOutcome =
  | { readonly ok: true; readonly replaced: ObjectRecord | undefined }
  | { readonly ok: false; readonly reason: 'no-bucket' | 'condition' };

/** One scan of a bucket's keys in UTF-8 byte order (S3's order). */
export interface KeyScan {
  readonly prefix: string;
  /** Only keys after this one (exclusive). */
  readonly after?: string | undefined;
  /** Only keys at or after this one (inclusive). */
  readonly atLeast?: string | undefined;
  readonly limit: number;
}

export interface UploadScan {
  readonly prefix: string;
  /** ListMultipartUploads' key-marker and upload-id-marker. */
  readonly keyMarker: string | undefined;
  readonly uploadIdMarker: string | undefined;
  readonly limit: number;
}

export type CompleteOutcome =
  | { readonly ok: true; readonly replaced: ObjectRecord | undefined; readonly unusedParts: readonly PartRecord[] }
  | { readonly ok: false; readonly reason: 'no-upload' | 'parts-changed' };

export interface S3Repository {
  /** 'created', or the bucket that holds the name already. */
  createBucket(bucket: BucketRecord): Promise<'created' | BucketRecord>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** An account's buckets in name order. */
  listBuckets(account: string): Promise<readonly BucketRecord[]>;
  /** Deletes an empty bucket with its unfinished uploads (their parts are returned, to delete their data). */
  deleteBucket(name: string): Promise<{ readonly outcome: 'deleted' | 'not-empty' | 'missing'; readonly parts: readonly PartRecord[] }>;
  /** The bucket's notification configuration; undefined when none is set. */
  getNotification(bucket: string): Promise<NotificationConfigRecord | undefined>;
  /** Replaces it (undefined clears it); false when the bucket is gone. */
  putNotification(bucket: string, config: NotificationConfigRecord | undefined): Promise<boolean>;

  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Stores the object and its outbox event in one transaction, if the condition holds. */
  putObject(object: ObjectRecord, event: ObjectEventInput, condition?: WriteCondition): Promise<PutOutcome>;
  /** Deletes the keys that exist, writing one outbox event per deleted key, in one transaction. */
  deleteObjects(bucket: string, keys: readonly string[], event: (key: string) => ObjectEventInput): Promise<readonly ObjectRecord[]>;
  /** Objects in key order (see KeyScan). */
  scanObjects(bucket: string, scan: KeyScan): Promise<readonly ObjectRecord[]>;

  createUpload(upload: UploadRecord): Promise<boolean>;
  getUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** Stores a part, replacing one with the same number; `ok: false` when the upload is gone. */
  putPart(part: PartRecord): Promise<{ readonly ok: boolean; readonly replaced: PartRecord | undefined }>;
  /** Parts in number order after `afterPart`. */
  listParts(uploadId: string, afterPart: number, limit: number): Promise<readonly PartRecord[]>;
  /** A bucket's unfinished uploads in (key, initiated, upload id) order. */
  scanUploads(bucket: string, scan: UploadScan): Promise<readonly UploadRecord[]>;
  /**
   * Ends an upload as the object (its segments the chosen parts' files) in one
   * transaction with the outbox event; the parts not chosen are returned to delete.
   */
  completeUpload(uploadId: string, object: ObjectRecord, event: ObjectEventInput): Promise<CompleteOutcome>;
  /** Deletes the upload; its parts are returned, or undefined when it did not exist. */
  abortUpload(uploadId: string): Promise<readonly PartRecord[] | undefined>;

  /** Every data file an object or a part refers to (start-up garbage collection). */
  referencedFiles(): Promise<ReadonlySet<string>>;

  readonly outbox: ObjectEventOutbox;
  readonly notifications: BucketNotificationSource;
}

/** Digests a write computes as the bytes go by. */
export type DigestName = 'md5' | 'sha256' | Lowercase<ChecksumAlgorithm>;

export interface WrittenData {
  readonly fileId: string;
  readonly size: number;
  /** Raw digest bytes by name. */
  readonly digests: Readonly<Partial<Record<DigestName, Buffer>>>;
}

export interface DataWriteOptions {
  readonly digests: readonly DigestName[];
  /** Bytes beyond this fail the write with `tooLarge()` (the source is not read further). */
  readonly maxBytes: number;
  readonly tooLarge: () => Error;
  /** Called with the finished write before it becomes a file; a throw discards it. */
  readonly verify?: (written: Omit<WrittenData, 'fileId'>) => void;
}

/**
 * The bytes of objects and parts, one file per write. A write is durable and complete
 * before it is visible (temp file, fsync, rename, fsync dir); an interrupted write leaves
 * only a temp file that the next start removes. Files are never modified, so a reader
 * that opened one keeps its bytes even if the file is deleted meanwhile.
 */
export interface ObjectDataStore {
  write(source: Readable, options: DataWriteOptions): Promise<WrittenData>;
  /**
   * Opens the segments (all files at once, so a concurrent delete cannot cut the read
   * short) and streams bytes [start, end] of their concatenation; undefined when a file
   * is gone (the object was replaced meanwhile).
   */
  read(segments: readonly DataSegment[], start: number, end: number): Promise<Readable | undefined>;
  delete(fileIds: readonly string[]): Promise<void>;
  /** Removes temp files and every file not in `live`; returns how many data files went. */
  sweep(live: ReadonlySet<string>): Promise<number>;
}
