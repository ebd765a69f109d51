// The services the S3 operations call, and the shape every operation has.
import type { BucketService } from '../../objects/bucket-service.js';
import type { MultipartService } from '../../objects/multipart-service.js';
import type { ObjectService } from '../../objects/object-service.js';
import type { S3Context } from './context.js';
import type { OperationName } from './route.js';

export interface S3Services {
  readonly buckets: BucketService;
  readonly objects: ObjectService;
  readonly multipart: MultipartService;
}

/** Reads the request and writes the whole response; S3Errors thrown are rendered by the handler. */
export type Operation = (ctx: S3Context) => Promise<void>;

export type OperationTable = Readonly<Partial<Record<OperationName, Operation>>>;

/** S3's timestamps in XML: ISO 8601 with milliseconds. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The Owner element: the account, as S3 names the canonical user. */
export function owner(account: string): { ID: string; DisplayName: string } {
  return { ID: account, DisplayName: account };
}
