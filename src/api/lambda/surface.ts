// The Lambda API surface: its routes and its error shape (lambda-reference §1.2):
// status, `x-amzn-ErrorType`, and `{"Type": ..., "message"|"Message": ...}`.
import type { Refusal, RefusalCode } from '../../auth/authenticator.js';
import { ERROR_CATALOGUE, NimbusError, type ErrorCode } from '../../errors.js';
import type { ApiResponse, Route, Surface } from '../http/types.js';

const LAMBDA_PATH = /^\/20\d\d-\d\d-\d\d\//;

export function renderLambdaError(err: unknown): ApiResponse {
  const error = err instanceof NimbusError ? err : new NimbusError('ServiceException', 'An internal error occurred; see the platform log.', { cause: err });
  const spec = ERROR_CATALOGUE[error.code];
  const headers: Record<string, string> = { 'x-amzn-errortype': error.code, 'content-type': 'application/json' };
  const retryAfter = error.extra.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const { retryAfterSeconds: _omit, ...extra } = error.extra;
  return { status: spec.status, headers, body: { ...extra, Type: spec.kind, [spec.messageMember]: error.message } };
}

/** Refusals of the authenticator in the Lambda API's (and other JSON services') codes. */
export const JSON_REFUSAL_CODES: Readonly<Record<RefusalCode, ErrorCode>> = {
  MissingAuthentication: 'MissingAuthenticationTokenException',
  UnknownKey: 'UnrecognizedClientException',
  BadSignature: 'InvalidSignatureException',
  SignatureExpired: 'InvalidSignatureException',
  PayloadMismatch: 'InvalidSignatureException',
  Malformed: 'IncompleteSignatureException',
};

export function renderLambdaRefusal(refusal: Refusal): ApiResponse {
  return renderLambdaError(new NimbusError(JSON_REFUSAL_CODES[refusal.code], refusal.message));
}

export function createLambdaSurface(routes: readonly Route[]): Surface {
  return {
    name: 'Lambda',
    services: ['lambda'],
    matchesUnsigned: (path) => LAMBDA_PATH.test(path),
    routes,
    renderError: (err) => renderLambdaError(err),
    auth: { surface: 'lambda', renderRefusal: renderLambdaRefusal },
  };
}
