// Invoke (lambda-reference §2.1, §2.2): RequestResponse, Event (202 once the event is
// durable) and DryRun.
import { ASYNC_MAX_PAYLOAD, type AsyncInvoker } from '../../invoke/async/async-invoker.js';
import type { InvokeService } from '../../invoke/invoke-service.js';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { ApiRequest, Route } from '../http/types.js';
import { resolveFunctionRef } from './function-ref.js';

/** Sync request payloads are limited to 6 MB (6291456 bytes). */
export const INVOKE_MAX_BODY = 6 * 1024 * 1024;
const CLIENT_CONTEXT_MAX = 3583;

export function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function clientContextOf(req: ApiRequest): string | undefined {
  const raw = header(req, 'x-amz-client-context');
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > CLIENT_CONTEXT_MAX) throw invalidParameter('X-Amz-Client-Context', `must be at most ${CLIENT_CONTEXT_MAX} characters of base64 (got ${raw.length})`);
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
  } catch {
    throw invalidParameter('X-Amz-Client-Context', 'must be base64 of a JSON object');
  }
  return text;
}

/** The event must be JSON (an empty body is the empty object). */
export function payloadOf(body: Buffer): Buffer {
  if (body.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw new NimbusError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
  }
  return body;
}

/** X-Amz-Invocation-Type (default RequestResponse) and a validated X-Amz-Log-Type. */
export function invocationHeaders(req: ApiRequest): { invocationType: string; logType: 'None' | 'Tail' } {
  const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(req, 'x-amz-log-type') ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') throw invalidParameter('X-Amz-Log-Type', `must be None or Tail (got '${logType}')`);
  return { invocationType, logType };
}

export function invokeRoutes(invoker: InvokeService, asyncInvoker: AsyncInvoker): Route[] {
  return [
    {
      method: 'POST', path: '/2015-03-31/functions/:FunctionName/invocations', maxBodyBytes: INVOKE_MAX_BODY, errorLabel: 'InvokeFunction',
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const { invocationType, logType } = invocationHeaders(req);
        if (invocationType === 'DryRun') {
          await invoker.check(ref.key, ref.qualifier);
          return { status: 204 };
        }
        if (invocationType === 'Event') {
          if (req.body.length > ASYNC_MAX_PAYLOAD) {
            throw new NimbusError('RequestTooLargeException', `Request must be smaller than ${ASYNC_MAX_PAYLOAD} bytes for the InvokeFunction operation`);
          }
          await asyncInvoker.accept({ key: ref.key, qualifier: ref.qualifier, payload: payloadOf(req.body), requestId: req.requestId, source: 'async' });
          return { status: 202 };
        }
        if (invocationType !== 'RequestResponse') {
          throw invalidParameter('X-Amz-Invocation-Type', `must be RequestResponse, Event or DryRun (got '${invocationType}')`);
        }
        const result = await invoker.invoke({
          key: ref.key, qualifier: ref.qualifier, requestId: req.requestId, payload: payloadOf(req.body),
          clientContext: clientContextOf(req), traceId: header(req, 'x-amzn-trace-id'), trigger: 'sync', wantLogTail: logType === 'Tail',
        });
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': result.executedVersion };
        if (result.functionError !== undefined) headers['x-amz-function-error'] = result.functionError;
        if (result.logResult !== undefined) headers['x-amz-log-result'] = result.logResult;
        return { status: 200, headers, body: result.payload };
      },
    },
  ];
}
