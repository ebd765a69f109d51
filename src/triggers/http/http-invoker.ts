// The HTTP-trigger pipeline shared by function URLs and routes: build the payload 2.0
// event from the request, run the function synchronously, map its result to a response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvokeService } from '../../invoke/invoke-service.js';
import type { FunctionKey } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import { buildHttpEventV2, type HttpEventContext, type HttpRequestFacts } from './event-v2.js';
import { httpApiInternalServerError, internalServerError, mapHttpResponseV2, type MappedResponse } from './response-v2.js';
import { streamToHttp } from './stream-url.js';

export interface HttpInvocation {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
  readonly requestId: string;
  readonly facts: HttpRequestFacts;
  readonly context: Omit<HttpEventContext, 'requestId' | 'now'>;
  readonly trigger: 'url' | 'route';
}

/** What the HTTP layer read from a Node request, as the event builder needs it. */
export function requestFacts(req: IncomingMessage, body: Buffer): HttpRequestFacts {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQueryString: q === -1 ? '' : url.slice(q + 1),
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
  };
}

export class HttpInvoker {
  readonly #invoker: InvokeService;
  readonly #clock: Clock;

  constructor(invoker: InvokeService, clock: Clock) {
    this.#invoker = invoker;
    this.#clock = clock;
  }

  /** Function errors and timeouts become a 502 (HTTP API routes: 500); platform errors (404, 429…) are thrown. */
  async invoke(call: HttpInvocation): Promise<MappedResponse> {
    const event = buildHttpEventV2(call.facts, { ...call.context, requestId: call.requestId, now: this.#clock() });
    const result = await this.#invoker.invoke({
      key: call.key, qualifier: call.qualifier, requestId: call.requestId, payload: Buffer.from(JSON.stringify(event)),
      trigger: call.trigger, wantLogTail: false,
    });
    return mapHttpResponseV2(result.payload, result.functionError, call.trigger === 'route' ? httpApiInternalServerError : internalServerError);
  }

  /**
   * A RESPONSE_STREAM function URL: the function's bytes go to `res` as it writes them
   * (stream-url.ts). Rejects, having written nothing, when the function could not start.
   */
  async stream(call: HttpInvocation, res: ServerResponse, extraHeaders: readonly (readonly [string, string])[]): Promise<void> {
    const event = buildHttpEventV2(call.facts, { ...call.context, requestId: call.requestId, now: this.#clock() });
    await streamToHttp((sink) => this.#invoker.invokeStream({
      key: call.key, qualifier: call.qualifier, requestId: call.requestId, payload: Buffer.from(JSON.stringify(event)),
      trigger: call.trigger, wantLogTail: false,
    }, sink), res, { extraHeaders });
  }
}
