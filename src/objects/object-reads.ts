// Reads an object's current bytes. The metadata is read first and the files opened
// after, so an overwrite committed in between can delete them first; then the new
// metadata is read again (a few times at most: each retry means a newer commit won).
import type { Readable } from 'node:stream';
import type { ObjectDataStore, ObjectRecord, S3Repository } from '../store/s3-ports.js';
import { noSuchKey } from './errors.js';

const ATTEMPTS = 5;

export interface ReadPlan {
  readonly start: number;
  /** Inclusive; start - 1 for no bytes. */
  readonly end: number;
}

export interface OpenedObject {
  readonly object: ObjectRecord;
  readonly body: Readable;
}

/**
 * Opens the object's bytes per `plan`, which sees the metadata first and may throw (a
 * failed condition, an unsatisfiable range) before any file is opened.
 */
export async function openObject(
  deps: { readonly repo: S3Repository; readonly data: ObjectDataStore },
  bucket: string,
  key: string,
  plan: (object: ObjectRecord) => ReadPlan,
): Promise<OpenedObject> {
  for (let attempt = 1; ; attempt++) {
    const object = await deps.repo.getObject(bucket, key);
    if (!object) throw noSuchKey(key);
    const { start, end } = plan(object);
    const body = await deps.data.read(object.segments, start, end);
    if (body) return { object, body };
    if (attempt === ATTEMPTS) throw new Error(`object ${bucket}/${key} kept changing while being opened`);
  }
}
