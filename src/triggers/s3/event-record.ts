// The S3 event record a function receives (lambda-reference §6.2, field for field and in
// AWS's order): `{"Records": [record]}`, one record per event, as S3 sends to Lambda.
import { createHash } from 'node:crypto';
import type { ObjectEventRecord } from '../../objects/object-events.js';
import { encodeEventKey } from './key-encoding.js';

/**
 * One object change, from the built-in store's outbox (an ObjectEventRecord) or an external
 * store's webhook, which may name any S3 event and bring its own x-amz-id-2. `principalId` is
 * as the record shows it (`AWS:<access key id>` for the built-in store).
 */
export interface ObjectChange extends Omit<ObjectEventRecord, 'seq' | 'eventName'> {
  /** Without the `s3:` prefix: `ObjectCreated:Put`. */
  readonly eventName: string;
  /** responseElements' x-amz-id-2; derived from the request id when the change has none. */
  readonly hostId?: string | undefined;
}

/** An x-amz-id-2 for a request id: stable, and shaped like S3's (base64). */
export function hostIdFor(requestId: string): string {
  return createHash('sha256').update(`nimbus-s3:${requestId}`).digest('base64');
}

export function s3EventRecord(change: ObjectChange, configurationId: string): Record<string, unknown> {
  // Removal events carry no size or eTag (lambda-reference §6.2).
  const created = !change.eventName.startsWith('ObjectRemoved:');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: change.region,
    eventTime: new Date(change.eventTime).toISOString(),
    eventName: change.eventName,
    userIdentity: { principalId: change.principalId },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': change.hostId ?? hostIdFor(change.requestId) },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: change.bucket, ownerIdentity: { principalId: change.account }, arn: `arn:aws:s3:::${change.bucket}` },
      object: {
        key: encodeEventKey(change.key),
        ...(created && change.size !== undefined ? { size: change.size } : {}),
        ...(created && change.eTag !== undefined ? { eTag: change.eTag } : {}),
        ...(change.versionId !== undefined ? { versionId: change.versionId } : {}),
        sequencer: change.sequencer,
      },
    },
  };
}
