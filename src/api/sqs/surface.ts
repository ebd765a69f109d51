// The SQS API surface (2012-11-05), signed for the service `sqs`: the JSON protocol SDK v3
// and current CLIs speak and the query protocol older clients speak, on `/` and on queue
// URLs (`/<account>/<queue>`). Each protocol answers errors in its own shape.
import type { MessageService } from '../../queues/message-service.js';
import type { RefusalCode } from '../../auth/authenticator.js';
import { QueueError, type SqsErrorCode } from '../../queues/errors.js';
import type { QueueService } from '../../queues/queue-service.js';
import type { ApiRequest, ApiResponse, Route, Surface } from '../http/types.js';
import { asQueueError, renderJsonError, renderQueryError } from './errors.js';
import { messageOperations } from './message-operations.js';
import type { SqsOperation } from './operation.js';
import { queueOperations } from './queue-operations.js';
import { parseJsonCall, parseQueryCall, protocolOf, renderJson, renderQuery, runCall } from './protocols.js';
import { baseUrlOf, isQueuePath } from './queue-url.js';

export interface SqsDeps {
  readonly queues: QueueService;
  readonly messages: MessageService;
  /** Errors that are the platform's fault, with the request id (they answer InternalError). */
  readonly onInternalError: (err: unknown, requestId: string) => void;
}

/**
 * The largest request: a 1 MiB SendMessageBatch form-encodes to about 3 MiB (every byte
 * outside [A-Za-z0-9] becomes %XX); the message limits themselves are the domain's.
 */
export const MAX_SQS_REQUEST_BYTES = 4 * 1024 * 1024;

const UNSUPPORTED = ['AddPermission', 'RemovePermission', 'StartMessageMoveTask', 'CancelMessageMoveTask', 'ListMessageMoveTasks'];

function unsupported(name: string): SqsOperation {
  return () => Promise.reject(new QueueError('UnsupportedOperation', `Nimbus does not implement ${name}.`));
}

/** Refusals of the authenticator in SQS's codes. */
const REFUSAL_CODES: Readonly<Record<RefusalCode, SqsErrorCode>> = {
  MissingAuthentication: 'MissingAuthenticationToken',
  UnknownKey: 'InvalidClientTokenId',
  BadSignature: 'SignatureDoesNotMatch',
  SignatureExpired: 'SignatureDoesNotMatch',
  PayloadMismatch: 'SignatureDoesNotMatch',
  Malformed: 'IncompleteSignature',
};

export function createSqsSurface(deps: SqsDeps): Surface {
  const operations: Readonly<Record<string, SqsOperation>> = {
    ...Object.fromEntries(UNSUPPORTED.map((name) => [name, unsupported(name)])),
    ...queueOperations(deps.queues),
    ...messageOperations(deps.messages),
  };

  async function handle(req: ApiRequest): Promise<ApiResponse> {
    const protocol = protocolOf(req);
    const baseUrl = baseUrlOf(req.headers);
    let operation = 'Unknown';
    try {
      const parsed = protocol === 'json' ? parseJsonCall(req) : parseQueryCall(req, baseUrl);
      operation = parsed.operation;
      const output = await runCall(operations, parsed, { scope: req.scope, baseUrl, senderId: req.scope.account }, protocol);
      return protocol === 'json' ? renderJson(output) : renderQuery(operation, output, req.requestId);
    } catch (err) {
      // Rendered here, per protocol: the shared server knows only one error shape per surface.
      const { error, internal } = asQueueError(err);
      if (internal) deps.onInternalError(err, req.requestId);
      return protocol === 'json' ? renderJsonError(error) : renderQueryError(error, req.requestId);
    }
  }

  const routes: Route[] = (['POST', 'GET'] as const).flatMap((method) => ['/', '/:account/:queue'].map((path) => ({
    method, path, maxBodyBytes: MAX_SQS_REQUEST_BYTES, errorLabel: 'SQS', handle,
  })));
  return {
    name: 'SQS',
    services: ['sqs'],
    // Unsigned: only a queue URL's path is unmistakably SQS (`POST /` could be any JSON service).
    matchesUnsigned: (path) => isQueuePath(path),
    routes,
    // Errors before a route runs (an oversized body): JSON, the protocol of every current client.
    renderError: (err) => renderJsonError(asQueueError(err).error),
    auth: {
      surface: 'sqs',
      renderRefusal(refusal, req) {
        const error = new QueueError(REFUSAL_CODES[refusal.code], refusal.message);
        return protocolOf(req) === 'json' ? renderJsonError(error) : renderQueryError(error, req.requestId);
      },
    },
  };
}
