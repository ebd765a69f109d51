// Objects: PUT, GET/HEAD (ranges, conditions), DELETE, DeleteObjects and listing.
// Bytes stream straight to the data store; the metadata commit makes them visible.
import type { Readable } from 'node:stream';
import type { Clock } from '../util/time.js';
import type { ObjectDataStore, ObjectMetadata, ObjectRecord, S3Repository, WriteCondition } from '../store/s3-ports.js';
import { ownedBucket } from './buckets.js';
import type { Caller } from './caller.js';
import type { Scope } from '../store/records.js';
import { resolveRange, type ByteRange } from './byte-range.js';
import { evaluateConditions, type Conditions } from './conditions.js';
import { S3Error, invalidArgument } from './errors.js';
import { checkExpectations, checksumOf, digestsFor, verifyBody, type BodyExpectations } from './integrity.js';
import { MAX_DELETE_KEYS, MAX_OBJECT_BYTES } from './limits.js';
import { listKeys, type Listed, type ListRequest } from './listing.js';
import { checkMetadata } from './metadata.js';
import { checkKey } from './names.js';
import { openObject } from './object-reads.js';
import { copyObject, type CopyRequest } from './object-copy.js';
import { commitObject, deleteKeys, eventFor, type WriteDeps } from './object-writes.js';

export interface ObjectServiceDeps extends WriteDeps {
  readonly repo: S3Repository;
  readonly data: ObjectDataStore;
  readonly clock: Clock;
}

export interface PutRequest {
  readonly body: Readable;
  readonly expected: BodyExpectations;
  readonly metadata: ObjectMetadata;
  readonly condition?: WriteCondition | undefined;
}

export interface ReadRequest {
  readonly conditions: Conditions;
  readonly range: string | undefined;
  /** GetObject's partNumber: the bytes of one part of a multipart object. */
  readonly partNumber: number | undefined;
}

export type ReadResult =
  | { readonly kind: 'not-modified'; readonly object: ObjectRecord }
  | {
      readonly kind: 'object';
      readonly object: ObjectRecord;
      /** Set for a partial read (206). */
      readonly range: ByteRange | undefined;
      /** Undefined for HEAD. */
      readonly body: Readable | undefined;
    };

export interface DeleteOutcome {
  readonly deleted: readonly string[];
  readonly errors: readonly { readonly key: string; readonly error: S3Error }[];
}

/** Thrown by a read plan to answer 304 without opening the bytes. */
class NotModified extends Error {
  constructor(readonly object: ObjectRecord) {
    super('not modified');
  }
}

function selectBytes(object: ObjectRecord, request: ReadRequest): ByteRange | undefined {
  const outcome = evaluateConditions(request.conditions, object.etag, object.lastModified);
  if (outcome === 'precondition-failed') throw new S3Error('PreconditionFailed', undefined, { Condition: request.conditions.ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since' });
  if (outcome === 'not-modified') throw new NotModified(object);
  if (request.partNumber !== undefined) {
    const count = object.segments.length;
    if (request.partNumber > count) throw new S3Error('InvalidPart', 'The requested partnumber is not satisfiable', { PartNumberRequested: String(request.partNumber), ActualPartCount: String(count) });
    const start = object.segments.slice(0, request.partNumber - 1).reduce((sum, s) => sum + s.size, 0);
    return count === 1 ? undefined : { start, end: start + (object.segments[request.partNumber - 1]?.size ?? 0) - 1 };
  }
  const range = resolveRange(request.range, object.size);
  if (range === 'unsatisfiable') throw new S3Error('InvalidRange', undefined, { RangeRequested: request.range ?? '', ActualObjectSize: String(object.size) });
  return range === 'whole' ? undefined : range;
}

export class ObjectService {
  readonly #deps: ObjectServiceDeps;

  constructor(deps: ObjectServiceDeps) {
    this.#deps = deps;
  }

  async put(caller: Caller, bucketName: string, key: string, request: PutRequest): Promise<ObjectRecord> {
    const bucket = await ownedBucket(this.#deps.repo, caller, bucketName);
    checkKey(key);
    checkMetadata(request.metadata);
    checkExpectations(request.expected);
    if ((request.expected.size ?? 0) > MAX_OBJECT_BYTES) throw entityTooLarge(request.expected.size ?? 0);
    const written = await this.#deps.data.write(request.body, {
      digests: digestsFor(request.expected), maxBytes: MAX_OBJECT_BYTES, tooLarge: () => entityTooLarge(MAX_OBJECT_BYTES + 1), verify: (w) => verifyBody(request.expected, w),
    });
    const now = this.#deps.clock();
    const object: ObjectRecord = {
      bucket: bucketName, key, size: written.size, etag: (written.digests.md5 as Buffer).toString('hex'), lastModified: now,
      ...request.metadata, checksum: checksumOf(request.expected.checksum?.algorithm, written),
      segments: [{ fileId: written.fileId, size: written.size }],
    };
    await commitObject(this.#deps, object, eventFor(caller, bucket, key, 'ObjectCreated:Put', now, object), request.condition);
    return object;
  }

  /** GET (with `head` false) and HEAD. */
  async read(scope: Scope, bucketName: string, key: string, request: ReadRequest, head: boolean): Promise<ReadResult> {
    await ownedBucket(this.#deps.repo, scope, bucketName);
    if (request.partNumber !== undefined && (!Number.isInteger(request.partNumber) || request.partNumber < 1 || request.partNumber > 10_000)) {
      throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(request.partNumber));
    }
    try {
      if (head) {
        const object = await this.#deps.repo.getObject(bucketName, key);
        if (!object) throw new S3Error('NoSuchKey', undefined, { Key: key });
        return { kind: 'object', object, range: selectBytes(object, request), body: undefined };
      }
      let range: ByteRange | undefined;
      const opened = await openObject(this.#deps, bucketName, key, (object) => {
        range = selectBytes(object, request);
        return range ?? { start: 0, end: object.size - 1 };
      });
      return { kind: 'object', object: opened.object, range, body: opened.body };
    } catch (err) {
      if (err instanceof NotModified) return { kind: 'not-modified', object: err.object };
      throw err;
    }
  }

  copy(caller: Caller, bucketName: string, key: string, request: CopyRequest): Promise<ObjectRecord> {
    return copyObject(this.#deps, caller, bucketName, key, request);
  }

  async delete(caller: Caller, bucketName: string, key: string): Promise<void> {
    const bucket = await ownedBucket(this.#deps.repo, caller, bucketName);
    checkKey(key);
    await deleteKeys(this.#deps, caller, bucket, [key], this.#deps.clock());
  }

  /** DeleteObjects: every valid key is reported deleted (S3 does so for keys that did not exist too). */
  async deleteMany(caller: Caller, bucketName: string, keys: readonly string[]): Promise<DeleteOutcome> {
    const bucket = await ownedBucket(this.#deps.repo, caller, bucketName);
    if (keys.length === 0 || keys.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML', `The request must name from 1 to ${MAX_DELETE_KEYS} keys (got ${keys.length})`);
    const valid: string[] = [];
    const errors: { key: string; error: S3Error }[] = [];
    for (const key of keys) {
      try {
        checkKey(key);
        valid.push(key);
      } catch (err) {
        if (!(err instanceof S3Error)) throw err;
        errors.push({ key, error: err });
      }
    }
    await deleteKeys(this.#deps, caller, bucket, valid, this.#deps.clock());
    return { deleted: valid, errors };
  }

  async list(scope: Scope, bucketName: string, request: ListRequest): Promise<Listed<ObjectRecord>> {
    await ownedBucket(this.#deps.repo, scope, bucketName);
    return listKeys(
      (from, limit) => this.#deps.repo.scanObjects(bucketName, { prefix: request.prefix, after: from.after, atLeast: from.atLeast, limit }),
      (object) => object.key,
      request,
    );
  }
}

export function entityTooLarge(size: number): S3Error {
  return new S3Error('EntityTooLarge', undefined, { ProposedSize: String(size), MaxSizeAllowed: String(MAX_OBJECT_BYTES) });
}
