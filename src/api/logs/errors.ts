// CloudWatch Logs errors in the awsJson1_1 shape: HTTP 400 (500 for faults) and a body
// `{"__type": "<Shape>", "message": "..."}`. Both readers take the code from `__type`
// first (SDK v3 `loadJsonRpcErrorCode`: __type, code, then x-amzn-errortype; botocore
// `BaseJSONParser._do_error_parse`: __type, then the status) and the text from
// `message` (then `Message`). The Logs model names the member `message` on every shape.
// The header is sent as well, for readers that look there first.
import { NimbusError } from '../../errors.js';
import type { ApiResponse } from '../http/types.js';

export type LogsErrorType =
  | 'ResourceNotFoundException'
  | 'InvalidParameterException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'RequestEntityTooLargeException'
  | 'ServiceUnavailableException'
  // Refusals of the authenticator (403), as every AWS JSON service names them.
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException';

export const LOGS_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An error of the Logs API. Route handlers render it themselves (see surface.ts). */
export class LogsError extends Error {
  readonly type: LogsErrorType;
  readonly status: number;

  constructor(type: LogsErrorType, message: string, status = 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
  }
}

export function invalidParameter(message: string): LogsError {
  return new LogsError('InvalidParameterException', message);
}

/** The text of a Smithy constraint failure, as the Logs API words it. */
export function constraintViolation(field: string, value: unknown, constraint: string): LogsError {
  return invalidParameter(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

export const groupNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamNotFound = (): LogsError => new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');

function render(type: LogsErrorType, message: string, status: number): ApiResponse {
  return {
    status,
    headers: { 'content-type': LOGS_CONTENT_TYPE, 'x-amzn-errortype': type },
    body: { __type: type, message },
  };
}

/** Any error from this surface or from the shared HTTP layer, in the Logs shape. */
export function renderLogsError(err: unknown): ApiResponse {
  if (err instanceof LogsError) return render(err.type, err.message, err.status);
  if (err instanceof NimbusError) {
    switch (err.code) {
      case 'UnknownOperationException':
        return render('UnknownOperationException', err.message, 400);
      case 'RequestTooLargeException':
        return render('RequestEntityTooLargeException', err.message, 413);
      default:
        if (err.spec.kind === 'User') return render('InvalidParameterException', err.message, 400);
    }
  }
  return render('ServiceUnavailableException', 'An internal error occurred; see the platform log.', 500);
}
