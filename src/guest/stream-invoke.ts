// One invocation of a streaming handler (RIC Runtime.handleOnceStreaming):
//   handler(event, responseStream, context) must return a promise (else the invocation fails
//   with 'Streaming does not support non-async handlers.'); its value is ignored (with the
//   RIC's warning); the invocation succeeds once the promise resolved AND the stream finished
//   (a stream never ended runs into the timeout, as on Lambda, where the runtime API waits
//   for the end of the chunked request). A rejection, a thrown error or a stream error fails
//   it: what was written so far is flushed first, then the error is reported (the RIC's
//   error trailers after the body).
import type { ErrorPayload, FunctionInit, StartedInvoke } from '../protocol/messages.js';
import { buildContext } from './context.js';
import { toErrorPayload, toFormatted } from './errors.js';
import type { Handler } from './handler.js';
import { parseEvent } from './invoke.js';
import { ResponseStream } from './response-stream.js';
import type { ChunkTransport, StreamingMetadata } from './response-stream.js';

export type StreamOutcome =
  | { readonly ok: true; readonly contentType: string | undefined }
  | { readonly ok: false; readonly error: ErrorPayload };

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export interface StreamingInvocation {
  /** Settles once: the outcome to report. */
  readonly outcome: Promise<StreamOutcome>;
  /** Feeds the host's `stream-ack`. */
  ack(bytes: number): void;
}

export function startStreamingInvoke(
  fn: FunctionInit, handler: Handler, meta: StreamingMetadata, msg: StartedInvoke, body: Buffer, transport: ChunkTransport,
): StreamingInvocation {
  const stream = new ResponseStream(transport, meta.highWaterMark);
  const outcome = new Promise<StreamOutcome>((resolve) => {
    let settled = false;
    const settle = (o: StreamOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    /** Runs `then` once nothing more will leave the stream (flushing what was written). */
    const afterFlush = (then: () => void): void => {
      if (stream.writableFinished || stream.destroyed) return then();
      stream.once('finish', then);
      stream.once('close', then);
      if (!stream.writableEnded) stream.end();
    };
    let failing = false;
    const fail = (err: unknown): void => {
      if (settled || failing) return;
      failing = true;
      console.error('Invoke Error', toFormatted(err));
      stream.dropPrelude();
      afterFlush(() => settle({ ok: false, error: toErrorPayload(err) }));
    };
    stream.on('error', fail);

    const noCallbacks = (err: unknown): void => {
      if (err !== undefined && err !== null) fail(err);
    };
    const context = buildContext(fn, msg, { callback: noCallbacks, done: noCallbacks });
    let returned: unknown;
    try {
      returned = (handler as unknown as (e: unknown, s: ResponseStream, c: object) => unknown)(parseEvent(body), stream, context);
    } catch (err) {
      fail(err);
      return;
    }
    if (!isPromiseLike(returned)) {
      fail('Streaming does not support non-async handlers.');
      return;
    }
    returned.then(
      (result) => {
        if (result !== undefined) console.warn('Streaming handlers ignore return values.');
        const succeed = (): void => {
          if (failing) return;
          if (stream.writableFinished) settle({ ok: true, contentType: stream.sentContentType === undefined ? stream.contentType : undefined });
          else fail('Response stream is not finished.'); // destroyed without an error
        };
        if (stream.writableFinished || stream.destroyed) succeed();
        else {
          stream.once('finish', succeed);
          stream.once('close', succeed);
        }
      },
      (err: unknown) => fail(err),
    );
  });
  return { outcome, ack: (bytes) => stream.ack(bytes) };
}
