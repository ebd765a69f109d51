// Multipart uploads: each part is its own data file; completion commits an object whose
// segments are the chosen parts' files, so no byte is copied. ETag and size rules as S3's.
import { randomBytes } from 'node:crypto';
import type { ObjectMetadata, ObjectRecord, PartRecord, UploadRecord, ChecksumAlgorithm } from '../store/s3-ports.js';
import type { Scope } from '../store/records.js';
import type { ByteRange } from './byte-range.js';
import { ownedBucket } from './buckets.js';
import type { Caller } from './caller.js';
import { openCopySource, type CopySource } from './copy-source.js';
import { S3Error, invalidArgument, noSuchUpload } from './errors.js';
import { multipartEtag, normalizeEtag } from './etag.js';
import { checkExpectations, checksumOf, digestsFor, verifyBody } from './integrity.js';
import type { BodyExpectations } from './integrity.js';
import { MAX_OBJECT_BYTES, MAX_PART_NUMBER, MIN_PART_BYTES } from './limits.js';
import { checkMetadata } from './metadata.js';
import { checkKey } from './names.js';
import { entityTooLarge, type ObjectServiceDeps } from './object-service.js';
import { eventFor } from './object-writes.js';
import type { Readable } from 'node:stream';

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export interface PartPage {
  readonly upload: UploadRecord;
  readonly parts: readonly PartRecord[];
  readonly truncated: boolean;
}

export interface UploadPage {
  readonly uploads: readonly UploadRecord[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
}

/** Upload ids sort by creation time (hex milliseconds first), so listing by id lists oldest first. */
function newUploadId(now: number): string {
  return `${now.toString(16).padStart(12, '0')}${randomBytes(20).toString('hex')}`;
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 'partNumber', String(partNumber));
  }
}

export class MultipartService {
  readonly #deps: ObjectServiceDeps;

  constructor(deps: ObjectServiceDeps) {
    this.#deps = deps;
  }

  async create(caller: Caller, bucketName: string, key: string, metadata: ObjectMetadata, checksumAlgorithm: ChecksumAlgorithm | undefined): Promise<UploadRecord> {
    await ownedBucket(this.#deps.repo, caller, bucketName);
    checkKey(key);
    checkMetadata(metadata);
    const initiated = this.#deps.clock();
    const upload: UploadRecord = { uploadId: newUploadId(initiated), bucket: bucketName, key, initiated, initiator: caller.accessKeyId, ...metadata, checksumAlgorithm };
    if (!(await this.#deps.repo.createUpload(upload))) throw new Error('upload id collision');
    return upload;
  }

  async uploadPart(caller: Caller, bucketName: string, key: string, uploadId: string, partNumber: number, body: Readable, expected: BodyExpectations): Promise<PartRecord> {
    checkPartNumber(partNumber);
    checkExpectations(expected);
    await this.#upload(caller, bucketName, key, uploadId);
    if ((expected.size ?? 0) > MAX_OBJECT_BYTES) throw entityTooLarge(expected.size ?? 0);
    const written = await this.#deps.data.write(body, {
      digests: digestsFor(expected), maxBytes: MAX_OBJECT_BYTES, tooLarge: () => entityTooLarge(MAX_OBJECT_BYTES + 1), verify: (w) => verifyBody(expected, w),
    });
    return this.#storePart({
      uploadId, partNumber, size: written.size, etag: (written.digests.md5 as Buffer).toString('hex'), lastModified: this.#deps.clock(),
      checksum: checksumOf(expected.checksum?.algorithm, written), fileId: written.fileId,
    });
  }

  /** UploadPartCopy: a part from (a range of) another object. */
  async uploadPartCopy(caller: Caller, bucketName: string, key: string, uploadId: string, partNumber: number, source: CopySource, rangeHeader: string | undefined): Promise<PartRecord> {
    checkPartNumber(partNumber);
    await this.#upload(caller, bucketName, key, uploadId);
    const opened = await openCopySource(this.#deps, caller, source, (object) => copyRange(rangeHeader, object.size));
    const written = await this.#deps.data.write(opened.body, { digests: ['md5'], maxBytes: MAX_OBJECT_BYTES, tooLarge: () => entityTooLarge(MAX_OBJECT_BYTES + 1) });
    return this.#storePart({
      uploadId, partNumber, size: written.size, etag: (written.digests.md5 as Buffer).toString('hex'), lastModified: this.#deps.clock(),
      checksum: undefined, fileId: written.fileId,
    });
  }

  async complete(caller: Caller, bucketName: string, key: string, uploadId: string, chosen: readonly CompletedPart[]): Promise<ObjectRecord> {
    const bucket = await ownedBucket(this.#deps.repo, caller, bucketName);
    const upload = await this.#upload(caller, bucketName, key, uploadId);
    if (chosen.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema: you must specify at least one part');
    for (let i = 1; i < chosen.length; i++) {
      if ((chosen[i] as CompletedPart).partNumber <= (chosen[i - 1] as CompletedPart).partNumber) throw new S3Error('InvalidPartOrder');
    }
    const stored = new Map<number, PartRecord>();
    for (let after = 0; ;) {
      const page = await this.#deps.repo.listParts(uploadId, after, 1000);
      for (const part of page) stored.set(part.partNumber, part);
      if (page.length < 1000) break;
      after = (page[page.length - 1] as PartRecord).partNumber;
    }
    const parts = chosen.map((c, i) => {
      const part = stored.get(c.partNumber);
      if (!part || part.etag !== normalizeEtag(c.etag)) throw new S3Error('InvalidPart', undefined, { UploadId: uploadId, PartNumber: String(c.partNumber), ETag: c.etag });
      if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) {
        throw new S3Error('EntityTooSmall', undefined, { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(part.partNumber), ETag: part.etag });
      }
      return part;
    });
    const now = this.#deps.clock();
    const object: ObjectRecord = {
      bucket: bucketName, key, size: parts.reduce((sum, p) => sum + p.size, 0), etag: multipartEtag(parts.map((p) => p.etag)), lastModified: now,
      content: upload.content, userMetadata: upload.userMetadata, checksum: undefined,
      segments: parts.map((p) => ({ fileId: p.fileId, size: p.size })),
    };
    const outcome = await this.#deps.repo.completeUpload(uploadId, object, eventFor(caller, bucket, key, 'ObjectCreated:CompleteMultipartUpload', now, object));
    if (!outcome.ok) {
      if (outcome.reason === 'no-upload') throw noSuchUpload(uploadId);
      throw new S3Error('InvalidPart', 'A part was uploaded again while the upload was being completed; list the parts and complete again', { UploadId: uploadId });
    }
    await this.#deps.data.delete([...outcome.unusedParts.map((p) => p.fileId), ...(outcome.replaced?.segments.map((s) => s.fileId) ?? [])]);
    this.#deps.onObjectEvents?.();
    return object;
  }

  async abort(caller: Caller, bucketName: string, key: string, uploadId: string): Promise<void> {
    await this.#upload(caller, bucketName, key, uploadId);
    const parts = await this.#deps.repo.abortUpload(uploadId);
    if (!parts) throw noSuchUpload(uploadId);
    await this.#deps.data.delete(parts.map((p) => p.fileId));
  }

  async listParts(scope: Scope, bucketName: string, key: string, uploadId: string, after: number, maxParts: number): Promise<PartPage> {
    const upload = await this.#upload(scope, bucketName, key, uploadId);
    const page = await this.#deps.repo.listParts(uploadId, after, maxParts + 1);
    return { upload, parts: page.slice(0, maxParts), truncated: page.length > maxParts };
  }

  /** ListMultipartUploads; with a delimiter, keys roll up into common prefixes within the page. */
  async listUploads(scope: Scope, bucketName: string, request: { prefix: string; delimiter: string | undefined; keyMarker: string | undefined; uploadIdMarker: string | undefined; maxUploads: number }): Promise<UploadPage> {
    await ownedBucket(this.#deps.repo, scope, bucketName);
    const found = await this.#deps.repo.scanUploads(bucketName, { prefix: request.prefix, keyMarker: request.keyMarker, uploadIdMarker: request.uploadIdMarker, limit: request.maxUploads + 1 });
    const uploads: UploadRecord[] = [];
    const commonPrefixes: string[] = [];
    let truncated = false;
    for (const upload of found) {
      const at = request.delimiter ? upload.key.indexOf(request.delimiter, request.prefix.length) : -1;
      const common = at === -1 ? undefined : upload.key.slice(0, at + (request.delimiter as string).length);
      if (common !== undefined && commonPrefixes.includes(common)) continue;
      if (uploads.length + commonPrefixes.length === request.maxUploads) {
        truncated = true;
        break;
      }
      if (common === undefined) uploads.push(upload);
      else commonPrefixes.push(common);
    }
    return { uploads, commonPrefixes, truncated };
  }

  async #upload(scope: Scope, bucketName: string, key: string, uploadId: string): Promise<UploadRecord> {
    await ownedBucket(this.#deps.repo, scope, bucketName);
    const upload = await this.#deps.repo.getUpload(uploadId);
    if (!upload || upload.bucket !== bucketName || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  async #storePart(part: PartRecord): Promise<PartRecord> {
    const { ok, replaced } = await this.#deps.repo.putPart(part);
    if (!ok) {
      await this.#deps.data.delete([part.fileId]);
      throw noSuchUpload(part.uploadId);
    }
    if (replaced) await this.#deps.data.delete([replaced.fileId]);
    return part;
  }
}

const COPY_RANGE = /^bytes=(\d+)-(\d+)$/;

/** x-amz-copy-source-range: `bytes=first-last`, both given and inside the source. */
function copyRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) {
    if (size > MAX_OBJECT_BYTES) throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_BYTES}`);
    return undefined;
  }
  const match = COPY_RANGE.exec(header.trim());
  if (!match) throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 'x-amz-copy-source-range', header);
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > end || end >= size) throw new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: String(size) });
  return { start, end };
}
