// Rows of the S3 tables and their records. Optional content headers and metadata are
// stored as JSON objects; absent members read back as undefined so records compare equal.
import type { ChecksumAlgorithm, ContentHeaders, ObjectChecksum, ObjectRecord, PartRecord, UploadRecord } from '../s3-ports.js';
import type { ObjectEventInput } from '../s3-ports.js';

export interface ObjectRow {
  bucket: string; key: string; size: number; etag: string; last_modified: number;
  content: string; user_metadata: string; checksum_algorithm: string | null; checksum_value: string | null; segments: string;
}

export interface UploadRow {
  upload_id: string; bucket: string; key: string; initiated: number; initiator: string;
  content: string; user_metadata: string; checksum_algorithm: string | null;
}

export interface PartRow {
  upload_id: string; part_number: number; size: number; etag: string; last_modified: number;
  checksum_algorithm: string | null; checksum_value: string | null; file_id: string;
}

const CONTENT_MEMBERS = ['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl', 'expires'] as const;

export function contentJson(content: ContentHeaders): string {
  const present: Record<string, string> = {};
  for (const name of CONTENT_MEMBERS) {
    const value = content[name];
    if (value !== undefined) present[name] = value;
  }
  return JSON.stringify(present);
}

export function contentOf(json: string): ContentHeaders {
  const stored = JSON.parse(json) as Partial<Record<(typeof CONTENT_MEMBERS)[number], string>>;
  return {
    contentType: stored.contentType, contentEncoding: stored.contentEncoding, contentDisposition: stored.contentDisposition,
    contentLanguage: stored.contentLanguage, cacheControl: stored.cacheControl, expires: stored.expires,
  };
}

function checksumOf(algorithm: string | null, value: string | null): ObjectChecksum | undefined {
  return algorithm === null || value === null ? undefined : { algorithm: algorithm as ChecksumAlgorithm, value };
}

export function objectOf(row: ObjectRow): ObjectRecord {
  const segments = (JSON.parse(row.segments) as [string, number][]).map(([fileId, size]) => ({ fileId, size }));
  return {
    bucket: row.bucket, key: row.key, size: row.size, etag: row.etag, lastModified: row.last_modified,
    content: contentOf(row.content), userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    checksum: checksumOf(row.checksum_algorithm, row.checksum_value), segments,
  };
}

export function objectRow(object: ObjectRecord): ObjectRow {
  return {
    bucket: object.bucket, key: object.key, size: object.size, etag: object.etag, last_modified: object.lastModified,
    content: contentJson(object.content), user_metadata: JSON.stringify(object.userMetadata),
    checksum_algorithm: object.checksum?.algorithm ?? null, checksum_value: object.checksum?.value ?? null,
    segments: JSON.stringify(object.segments.map((s) => [s.fileId, s.size])),
  };
}

export function uploadOf(row: UploadRow): UploadRecord {
  return {
    uploadId: row.upload_id, bucket: row.bucket, key: row.key, initiated: row.initiated, initiator: row.initiator,
    content: contentOf(row.content), userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    checksumAlgorithm: (row.checksum_algorithm ?? undefined) as ChecksumAlgorithm | undefined,
  };
}

export function uploadRow(upload: UploadRecord): UploadRow {
  return {
    upload_id: upload.uploadId, bucket: upload.bucket, key: upload.key, initiated: upload.initiated, initiator: upload.initiator,
    content: contentJson(upload.content), user_metadata: JSON.stringify(upload.userMetadata), checksum_algorithm: upload.checksumAlgorithm ?? null,
  };
}

export function partOf(row: PartRow): PartRecord {
  return {
    uploadId: row.upload_id, partNumber: row.part_number, size: row.size, etag: row.etag, lastModified: row.last_modified,
    checksum: checksumOf(row.checksum_algorithm, row.checksum_value), fileId: row.file_id,
  };
}

export function partRow(part: PartRecord): PartRow {
  return {
    upload_id: part.uploadId, part_number: part.partNumber, size: part.size, etag: part.etag, last_modified: part.lastModified,
    checksum_algorithm: part.checksum?.algorithm ?? null, checksum_value: part.checksum?.value ?? null, file_id: part.fileId,
  };
}

export function eventRow(event: ObjectEventInput): Record<string, string | number | null> {
  return {
    account: event.account, region: event.region, bucket: event.bucket, key: event.key, event_name: event.eventName,
    event_time: event.eventTime, size: event.size ?? null, etag: event.eTag ?? null, version_id: event.versionId ?? null,
    source_ip: event.sourceIp, principal_id: event.principalId, request_id: event.requestId, trace_header: event.traceHeader ?? null,
  };
}
