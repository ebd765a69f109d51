// The body an external S3-compatible store posts: MinIO's webhook target sends
// `{"EventName": "s3:ObjectCreated:Put", "Key": "bucket/key", "Records": [record]}`, whose
// record is S3's event record with MinIO's additions (`source`, `contentType`, …); a bare
// `{"Records": […]}` as S3 itself writes it is taken too. Only what delivery needs is read;
// unknown members are ignored, since each store adds its own.
import { z } from 'zod';
import { invalidParameter } from '../../../errors.js';
import type { Scope } from '../../../store/records.js';
import { recordEventName } from '../event-names.js';
import type { ObjectChange } from '../event-record.js';
import { decodeEventKey } from '../key-encoding.js';
import { checkBucket } from './external-triggers.js';
import { parseDocument } from './parse.js';

/** MinIO posts one record at a time; a batch from another store stays bounded. */
export const MAX_RECORDS = 100;

const recordSchema = z.object({
  eventName: z.string().min(1),
  eventTime: z.string().min(1),
  userIdentity: z.object({ principalId: z.string().max(1024) }).optional(),
  requestParameters: z.record(z.string(), z.unknown()).optional(),
  responseElements: z.record(z.string(), z.unknown()).optional(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string().min(1).max(8192),
      size: z.number().int().min(0).optional(),
      eTag: z.string().max(1024).optional(),
      versionId: z.string().max(1024).optional(),
      sequencer: z.string().max(256).optional(),
    }),
  }),
});

const bodySchema = z.object({
  EventName: z.string().optional(),
  Key: z.string().optional(),
  Records: z.array(recordSchema).min(1, 'must hold at least one record').max(MAX_RECORDS, `at most ${MAX_RECORDS} records per request`),
});

export type WebhookRecord = z.output<typeof recordSchema>;

export function parseWebhookBody(json: unknown): WebhookRecord[] {
  return parseDocument(bodySchema, json).Records;
}

function text(map: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = map?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One record as an object change of the bucket configured in `scope`. */
export function changeOfRecord(record: WebhookRecord, index: number, scope: Scope): ObjectChange {
  const field = `Records[${index}]`;
  const bucket = checkBucket(record.s3.bucket.name, `${field}.s3.bucket.name`);
  const key = decodeEventKey(record.s3.object.key);
  if (key === undefined) throw invalidParameter(`${field}.s3.object.key`, 'is not URL-encoded as S3 event keys are');
  const eventName = recordEventName(record.eventName);
  if (eventName === undefined) throw invalidParameter(`${field}.eventName`, `'${record.eventName}' is not an S3 event name like s3:ObjectCreated:Put`);
  const eventTime = Date.parse(record.eventTime);
  if (Number.isNaN(eventTime)) throw invalidParameter(`${field}.eventTime`, `'${record.eventTime}' is not an ISO 8601 time`);
  return {
    ...scope, bucket, key, eventName, eventTime,
    size: record.s3.object.size, eTag: record.s3.object.eTag?.replaceAll('"', ''), versionId: record.s3.object.versionId || undefined,
    sequencer: record.s3.object.sequencer ?? eventTime.toString(16).toUpperCase().padStart(16, '0'),
    sourceIp: text(record.requestParameters, 'sourceIPAddress') ?? '',
    principalId: record.userIdentity?.principalId ?? '',
    requestId: text(record.responseElements, 'x-amz-request-id') ?? '',
    hostId: text(record.responseElements, 'x-amz-id-2'),
    traceHeader: undefined, // stores do not pass the writer's trace on: the chain starts here
  };
}
