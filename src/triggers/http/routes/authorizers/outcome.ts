// What an authorizer decides, and the API Gateway answers for a refusal.
import type { MappedResponse } from '../../response-v2.js';

export type AuthorizerOutcome =
  | { readonly kind: 'allow'; /** `requestContext.authorizer` of the event. */ readonly authorizer: Readonly<Record<string, unknown>> }
  | { readonly kind: 'deny'; readonly response: MappedResponse; /** For the platform log. */ readonly reason: string };

function answer(status: number, message: string, extra: readonly (readonly [string, string])[] = []): MappedResponse {
  return { status, headers: [['content-type', 'application/json'], ...extra], body: Buffer.from(JSON.stringify({ message })) };
}

export const unauthorized = (reason: string, extra: readonly (readonly [string, string])[] = []): AuthorizerOutcome =>
  ({ kind: 'deny', response: answer(401, 'Unauthorized', extra), reason });
export const forbidden = (reason: string, extra: readonly (readonly [string, string])[] = []): AuthorizerOutcome =>
  ({ kind: 'deny', response: answer(403, 'Forbidden', extra), reason });
export const authorizerFailed = (reason: string): AuthorizerOutcome =>
  ({ kind: 'deny', response: answer(500, 'Internal Server Error'), reason });

export { answer as gatewayAnswer };
