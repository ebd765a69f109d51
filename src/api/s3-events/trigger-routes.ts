// The trigger configuration of external stores' buckets, under /nimbus/v1/s3-events
// (docs/s3-notifications.md#external-stores; `nimbus s3-events` is its CLI):
//   GET    /nimbus/v1/s3-events[?source=S]                     every configured bucket
//   GET    /nimbus/v1/s3-events/{source}/buckets/{bucket}      one bucket's configuration
//   PUT    /nimbus/v1/s3-events/{source}/buckets/{bucket}      replace it (S3's notification JSON)
//   DELETE /nimbus/v1/s3-events/{source}/buckets/{bucket}
// PUT answers with warnings for functions that do not exist (yet).
import type { LambdaNotification } from '../../objects/object-events.js';
import type { ExternalBucketTriggers } from '../../store/external-s3-triggers.js';
import type { FunctionKey } from '../../store/records.js';
import type { ExternalS3Triggers } from '../../triggers/s3/external/external-triggers.js';
import { parseJsonBody } from '../../triggers/s3/external/parse.js';
import { notificationDocument } from '../../triggers/s3/notification-document.js';
import { parseFunctionRef } from '../../util/arn.js';
import type { Route } from '../http/types.js';

const MAX_DOCUMENT_BYTES = 256 * 1024;

export interface S3TriggerRouteDeps {
  readonly triggers: ExternalS3Triggers;
  readonly functionExists: (key: FunctionKey) => Promise<boolean>;
}

function view(t: ExternalBucketTriggers): Record<string, unknown> {
  return {
    Source: t.source, Bucket: t.bucket, Account: t.account, Region: t.region, LastModified: new Date(t.lastModified).toISOString(),
    NotificationConfiguration: notificationDocument(t.notifications),
  };
}

async function missingFunctions(deps: S3TriggerRouteDeps, notifications: readonly LambdaNotification[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const n of notifications) {
    const ref = parseFunctionRef(n.functionArn, 'LambdaFunctionArn');
    const key = { account: ref.account ?? '', region: ref.region ?? '', name: ref.name };
    if (!(await deps.functionExists(key))) warnings.push(`function ${n.functionArn} does not exist (yet); events for '${n.id}' fail until it does`);
  }
  return warnings;
}

export function s3TriggerRoutes(deps: S3TriggerRouteDeps): Route[] {
  const path = '/nimbus/v1/s3-events/:source/buckets/:bucket';
  return [
    {
      method: 'GET', path: '/nimbus/v1/s3-events', maxBodyBytes: 0,
      async handle(req) {
        const triggers = await deps.triggers.list(req.query.get('source') ?? undefined);
        return { status: 200, body: { Triggers: triggers.map(view) } };
      },
    },
    {
      method: 'GET', path, maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: view(await deps.triggers.get(req.params.source ?? '', req.params.bucket ?? '')) };
      },
    },
    {
      method: 'PUT', path, maxBodyBytes: MAX_DOCUMENT_BYTES, errorLabel: 'PutS3EventTriggers',
      async handle(req) {
        const source = req.params.source ?? '';
        const bucket = req.params.bucket ?? '';
        const stored = await deps.triggers.put(req.scope, source, bucket, parseJsonBody(req.body));
        if (!stored) return { status: 200, body: { Source: source, Bucket: bucket, NotificationConfiguration: notificationDocument([]) } };
        const warnings = await missingFunctions(deps, stored.notifications);
        return { status: 200, body: { ...view(stored), ...(warnings.length > 0 ? { Warnings: warnings } : {}) } };
      },
    },
    {
      method: 'DELETE', path, maxBodyBytes: 0,
      async handle(req) {
        await deps.triggers.delete(req.params.source ?? '', req.params.bucket ?? '');
        return { status: 204 };
      },
    },
  ];
}
