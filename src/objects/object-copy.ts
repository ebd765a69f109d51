// CopyObject: the source's bytes into a new file of the destination, with the source's
// metadata (MetadataDirective COPY, the default) or the request's (REPLACE).
import type { ObjectMetadata, ObjectRecord, WriteCondition } from '../store/s3-ports.js';
import { ownedBucket } from './buckets.js';
import type { Caller } from './caller.js';
import { openCopySource, type CopySource } from './copy-source.js';
import { S3Error } from './errors.js';
import { MAX_OBJECT_BYTES } from './limits.js';
import { checkMetadata } from './metadata.js';
import { checkKey } from './names.js';
import { entityTooLarge, type ObjectServiceDeps } from './object-service.js';
import { commitObject, eventFor } from './object-writes.js';

export interface CopyRequest {
  readonly source: CopySource;
  readonly directive: 'COPY' | 'REPLACE';
  /** The request's own metadata, used with REPLACE. */
  readonly metadata: ObjectMetadata;
  readonly condition?: WriteCondition | undefined;
}

export async function copyObject(deps: ObjectServiceDeps, caller: Caller, bucketName: string, key: string, request: CopyRequest): Promise<ObjectRecord> {
  const bucket = await ownedBucket(deps.repo, caller, bucketName);
  checkKey(key);
  if (request.directive === 'REPLACE') checkMetadata(request.metadata);
  const { source } = request;
  if (source.bucket === bucketName && source.key === key && request.directive === 'COPY') {
    throw new S3Error('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const opened = await openCopySource(deps, caller, source, (object) => {
    if (object.size > MAX_OBJECT_BYTES) {
      throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_BYTES}`);
    }
    return undefined;
  });
  const written = await deps.data.write(opened.body, { digests: ['md5'], maxBytes: MAX_OBJECT_BYTES, tooLarge: () => entityTooLarge(MAX_OBJECT_BYTES + 1) });
  const now = deps.clock();
  const metadata = request.directive === 'COPY' ? { content: opened.object.content, userMetadata: opened.object.userMetadata } : request.metadata;
  const object: ObjectRecord = {
    bucket: bucketName, key, size: written.size, etag: (written.digests.md5 as Buffer).toString('hex'), lastModified: now, ...metadata,
    // The bytes are the same, so a whole-object checksum still holds.
    checksum: opened.object.segments.length === 1 ? opened.object.checksum : undefined,
    segments: [{ fileId: written.fileId, size: written.size }],
  };
  await commitObject(deps, object, eventFor(caller, bucket, key, 'ObjectCreated:Copy', now, object), request.condition);
  return object;
}
