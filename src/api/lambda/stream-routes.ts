// InvokeWithResponseStream (lambda-reference §2.4): 200 with an event-stream body of
// PayloadChunk events, written as the function writes, then exactly one InvokeComplete
// {ErrorCode?, ErrorDetails?, LogResult?}. Errors before the function answers (not found,
// throttled, bad parameters) are ordinary Lambda errors; the head goes out with the first
// byte of the response (or with the end, when there is none), so such errors still can.
// A function error, also mid-stream, is ErrorCode = its errorType and ErrorDetails = its
// errorMessage (the exact strings AWS puts there are unverified).
import type { ServerResponse } from 'node:http';
import type { InvokeService, InvokeStreamResponse } from '../../invoke/invoke-service.js';
import { invalidParameter } from '../../errors.js';
import type { Route } from '../http/types.js';
import { EVENT_STREAM_CONTENT_TYPE, invokeCompleteEvent, payloadChunkEvent, type InvokeComplete } from './event-stream.js';
import { resolveFunctionRef } from './function-ref.js';
import { drainedOrClosed } from '../../util/drain.js';
import { clientContextOf, header, INVOKE_MAX_BODY, invocationHeaders, payloadOf } from './invoke-routes.js';

/**
 * The response body: event frames written to the response as they come, queued only for the
 * moment between the function's first byte and the server handing over the response.
 */
class EventStreamBody {
  #res: ServerResponse | undefined;
  #queued: Buffer[] = [];
  #gone = false;

  /** A PayloadChunk; a promise while the client is not reading (backpressure). */
  chunk(bytes: Buffer): Promise<void> | undefined {
    const frame = payloadChunkEvent(bytes);
    const res = this.#res;
    if (this.#gone) return undefined; // the caller went away: the function runs on, as on Lambda
    if (res === undefined) {
      this.#queued.push(frame);
      return undefined;
    }
    if (res.write(frame)) return undefined;
    return drainedOrClosed(res);
  }

  attach(res: ServerResponse): void {
    this.#res = res;
    res.once('close', () => (this.#gone = true));
    for (const frame of this.#queued) res.write(frame);
    this.#queued = [];
  }

  finish(complete: InvokeComplete): void {
    if (this.#gone || this.#res === undefined) return;
    this.#res.end(invokeCompleteEvent(complete));
  }
}

function completeOf(response: InvokeStreamResponse): InvokeComplete {
  return {
    ...(response.error !== undefined ? { ErrorCode: response.error.errorType, ErrorDetails: response.error.errorMessage } : {}),
    ...(response.logResult !== undefined ? { LogResult: response.logResult } : {}),
  };
}

export function streamRoutes(invoker: InvokeService): Route[] {
  return [
    {
      method: 'POST', path: '/2021-11-15/functions/:FunctionName/response-streaming-invocations', maxBodyBytes: INVOKE_MAX_BODY,
      errorLabel: 'InvokeWithResponseStream',
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const { invocationType, logType } = invocationHeaders(req);
        if (invocationType === 'DryRun') {
          await invoker.check(ref.key, ref.qualifier);
          return { status: 204 };
        }
        if (invocationType !== 'RequestResponse') {
          throw invalidParameter('X-Amz-Invocation-Type', `must be RequestResponse or DryRun (got '${invocationType}')`);
        }
        const body = new EventStreamBody();
        let began: (executedVersion: string) => void = () => undefined;
        const started = new Promise<string>((resolve) => (began = resolve));
        const done = invoker.invokeStream(
          {
            key: ref.key, qualifier: ref.qualifier, requestId: req.requestId, payload: payloadOf(req.body),
            clientContext: clientContextOf(req), traceId: header(req, 'x-amzn-trace-id'), trigger: 'sync', wantLogTail: logType === 'Tail',
          },
          { begin: (info) => began(info.executedVersion), write: (chunk) => body.chunk(chunk) },
        );
        done.catch(() => undefined); // awaited below or in stream(); rejections before the head become the error response
        const first = await Promise.race([started, done]);
        return {
          status: 200,
          headers: { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amz-executed-version': typeof first === 'string' ? first : first.executedVersion },
          async stream(res) {
            body.attach(res);
            let complete: InvokeComplete;
            try {
              complete = completeOf(await done);
            } catch {
              // A platform failure after the head went out: the stream can only say so in its end.
              complete = { ErrorCode: 'ServiceException', ErrorDetails: `An internal error occurred (request ${req.requestId}); see the platform log.` };
            }
            body.finish(complete);
          },
        };
      },
    },
  ];
}
