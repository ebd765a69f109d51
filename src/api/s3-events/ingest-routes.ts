// The endpoint external S3-compatible stores post their event notifications to
// (docs/s3-notifications.md#external-stores): MinIO's webhook target, pointed at
// http://<nimbus>:9000/nimbus/v1/s3-events/<source> with auth_token = --s3-events-token.
//   HEAD  MinIO's liveness probe (any answer counts as up; this one also checks the token)
//   POST  one webhook body; 200 once its invocations are durable
import type { ExternalS3Ingest } from '../../triggers/s3/external/external-ingest.js';
import type { Route } from '../http/types.js';
import { parseJsonBody } from '../../triggers/s3/external/parse.js';

const MAX_BODY_BYTES = 1024 * 1024;

export function s3IngestRoutes(ingest: ExternalS3Ingest): Route[] {
  return [
    {
      method: 'HEAD', path: '/nimbus/v1/s3-events/:source', maxBodyBytes: 0,
      handle(req) {
        ingest.authorize(req.headers.authorization);
        return Promise.resolve({ status: 200 });
      },
    },
    {
      method: 'POST', path: '/nimbus/v1/s3-events/:source', maxBodyBytes: MAX_BODY_BYTES, errorLabel: 'PostS3Events',
      async handle(req) {
        ingest.authorize(req.headers.authorization);
        const result = await ingest.ingest(req.params.source ?? '', parseJsonBody(req.body));
        return { status: 200, body: { Records: result.records, Invocations: result.invocations } };
      },
    },
  ];
}
