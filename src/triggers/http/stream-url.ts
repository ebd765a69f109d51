// Serving a RESPONSE_STREAM function URL (lambda-reference §3.3, §6.1): a streamed response
// goes to the HTTP client as the function writes it. A function that used
// awslambda.HttpResponseStream.from(stream, { statusCode, headers, cookies }) sends the
// content type application/vnd.awslambda.http-integration-response and starts with
// JSON(prelude) + 8 NUL bytes: the prelude becomes the status line and headers (each cookie a
// Set-Cookie), the bytes after the delimiter the body. Any other content type is a 200 with
// that content type and the bytes as they are. A non-streaming handler's whole result is
// mapped as a BUFFERED URL maps it (mapHttpResponseV2).
//
// Use (the URL front end, once it serves InvokeMode RESPONSE_STREAM):
//   const result = await streamToHttp(
//     (sink) => invokeService.invokeStream({ ...request, trigger: 'url', wantLogTail: false }, sink),
//     res, { extraHeaders: [['x-amzn-requestid', requestId]] });
// It resolves once the response is complete; it rejects as invokeStream does (not found,
// throttled…) and then has written nothing when the function had not begun (the caller
// answers the error), or has cut the connection when it had.
import type { ServerResponse } from 'node:http';
import { drainedOrClosed } from '../../util/drain.js';
import type { InvokeStreamResponse, InvokeStreamSink } from '../../invoke/invoke-service.js';
import { internalServerError, mapHttpResponseV2, type MappedResponse } from './response-v2.js';

export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** A prelude longer than this without its delimiter is a malformed response (502). */
export const MAX_PRELUDE_BYTES = 64 * 1024;
const DELIMITER = Buffer.alloc(8);

export type StreamInvocation = (sink: InvokeStreamSink) => Promise<InvokeStreamResponse>;

export interface StreamToHttpOptions {
  /** Headers added to every response head (request id, CORS…). */
  readonly extraHeaders?: readonly (readonly [string, string])[];
  /** The answer to a failed or malformed response while nothing was sent (function URLs: 502). */
  readonly failure?: () => MappedResponse;
}

type Mode = 'waiting' | 'prelude' | 'whole' | 'body' | 'answered';

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** The head a prelude asks for, or undefined when it is not a valid prelude. */
export function parsePrelude(bytes: Buffer): { readonly status: number; readonly headers: (readonly [string, string])[] } | undefined {
  let prelude: unknown;
  try {
    prelude = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof prelude !== 'object' || prelude === null || Array.isArray(prelude)) return undefined;
  const p = prelude as { statusCode?: unknown; headers?: unknown; cookies?: unknown };
  const status = p.statusCode === undefined ? 200 : Number(p.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers: (readonly [string, string])[] = [];
  if (typeof p.headers === 'object' && p.headers !== null) {
    for (const [k, v] of Object.entries(p.headers as Record<string, unknown>)) headers.push([k.toLowerCase(), stringify(v)]);
  }
  if (Array.isArray(p.cookies)) for (const c of p.cookies) headers.push(['set-cookie', stringify(c)]);
  return { status, headers };
}

export async function streamToHttp(invoke: StreamInvocation, res: ServerResponse, options: StreamToHttpOptions = {}): Promise<InvokeStreamResponse> {
  const extra = options.extraHeaders ?? [];
  const failure = options.failure ?? internalServerError;
  let mode = 'waiting' as Mode; // as: set in the sink's callbacks, which narrowing does not see
  let parts: Buffer[] = [];
  let collected = 0;
  let gone = false;
  res.once('close', () => (gone = true));

  const head = (status: number, headers: readonly (readonly [string, string])[]): void => {
    res.writeHead(status, [...extra, ...headers].flat());
  };
  const answer = (mapped: MappedResponse): void => {
    mode = 'answered';
    parts = [];
    if (gone) return;
    head(mapped.status, [...mapped.headers, ['content-length', String(mapped.body.length)]]);
    res.end(mapped.body);
  };
  const send = (bytes: Buffer): Promise<void> | undefined => {
    if (gone || bytes.length === 0 || res.write(bytes)) return undefined;
    return drainedOrClosed(res);
  };
  const collect = (chunk: Buffer): void => {
    parts.push(chunk);
    collected += chunk.length;
  };

  const sink: InvokeStreamSink = {
    begin(info) {
      if (!info.streaming) mode = 'whole';
      else if (info.contentType === HTTP_INTEGRATION_CONTENT_TYPE) mode = 'prelude';
      else {
        mode = 'body';
        if (!gone) head(200, [['content-type', info.contentType]]);
      }
    },
    write(chunk) {
      if (mode === 'body') return send(chunk);
      if (mode === 'whole') collect(chunk);
      else if (mode === 'prelude') {
        collect(chunk);
        const buffered = parts.length === 1 ? chunk : Buffer.concat(parts, collected);
        parts = [buffered];
        const at = buffered.indexOf(DELIMITER);
        if (at === -1) {
          if (collected > MAX_PRELUDE_BYTES) answer(failure());
          return undefined;
        }
        const parsed = parsePrelude(buffered.subarray(0, at));
        if (parsed === undefined) {
          answer(failure());
          return undefined;
        }
        mode = 'body';
        parts = [];
        if (!gone) head(parsed.status, parsed.headers);
        return send(buffered.subarray(at + DELIMITER.length));
      }
      return undefined;
    },
  };

  let response: InvokeStreamResponse;
  try {
    response = await invoke(sink);
  } catch (err) {
    if (res.headersSent) res.destroy(); // a platform failure mid-body: cut it, the client sees it truncated
    throw err;
  }
  if (response.error !== undefined) {
    // Failed: a 502 while nothing was sent; else the body is cut, so the client cannot take it for whole.
    if (!res.headersSent && mode !== 'answered') answer(failure());
    else if (mode !== 'answered') res.destroy();
  } else if (mode === 'body') {
    res.end();
  } else if (mode === 'whole') {
    answer(mapHttpResponseV2(Buffer.concat(parts, collected), undefined, failure));
  } else if (mode !== 'answered') {
    answer(failure()); // a prelude without its delimiter
  }
  return response;
}
