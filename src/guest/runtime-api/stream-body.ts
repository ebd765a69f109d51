// Response streaming from a custom runtime (lambda-reference §3.3): a chunked POST with
// `Lambda-Runtime-Function-Response-Mode: streaming`; each piece of the body goes to the host
// as it arrives, and a mid-stream failure comes as the trailers
// `Lambda-Runtime-Function-Error-Type` / `-Error-Body` (base64 JSON). The host's credit window
// (STREAM_WINDOW_BYTES, acked with `stream-ack`) pauses the request, so the runtime's writes
// slow down with a slow caller, as TCP backpressure would on Lambda.
import type http from 'node:http';
import { DEFAULT_STREAM_CONTENT_TYPE, MAX_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '../../protocol/messages.js';
import type { ErrorPayload } from '../../protocol/messages.js';
import { parseRuntimeError } from './error-body.js';

export interface StreamSink {
  chunk(requestId: string, bytes: Buffer, contentType: string | undefined): void;
  streamEnd(requestId: string, contentType: string | undefined): void;
  error(requestId: string, error: ErrorPayload): void;
  /** Registers the function the host's acks are given to while this stream runs. */
  onAck(requestId: string, ack: ((bytes: number) => void) | undefined): void;
}

function trailerError(req: http.IncomingMessage): ErrorPayload | undefined {
  const type = req.trailers['lambda-runtime-function-error-type'];
  if (type === undefined) return undefined;
  const encoded = req.trailers['lambda-runtime-function-error-body'];
  const body = encoded === undefined ? Buffer.alloc(0) : Buffer.from(encoded, 'base64');
  const parsed = parseRuntimeError(body, type);
  return parsed.raw === undefined ? parsed : { errorType: parsed.errorType, errorMessage: parsed.errorMessage, trace: parsed.trace };
}

export function relayStream(req: http.IncomingMessage, requestId: string, sink: StreamSink): Promise<void> {
  const contentType = req.headers['content-type'] ?? DEFAULT_STREAM_CONTENT_TYPE;
  let first = true;
  let unacked = 0;
  sink.onAck(requestId, (bytes) => {
    unacked -= bytes;
    if (unacked <= STREAM_WINDOW_BYTES && req.isPaused()) req.resume();
  });
  return new Promise((resolve) => {
    req.on('data', (data: Buffer) => {
      for (let at = 0; at < data.length; at += MAX_CHUNK_BYTES) {
        const piece = data.subarray(at, at + MAX_CHUNK_BYTES);
        sink.chunk(requestId, piece, first ? contentType : undefined);
        first = false;
        unacked += piece.length;
      }
      if (unacked > STREAM_WINDOW_BYTES) req.pause();
    });
    const finish = (error: ErrorPayload | undefined): void => {
      sink.onAck(requestId, undefined);
      if (error) sink.error(requestId, error);
      else sink.streamEnd(requestId, first ? contentType : undefined);
      resolve();
    };
    req.on('end', () => finish(trailerError(req)));
    req.on('error', () => finish({ errorType: 'Runtime.TruncatedResponse', errorMessage: 'The runtime closed the response stream before it ended', trace: [] }));
  });
}
