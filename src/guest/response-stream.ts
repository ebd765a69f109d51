// Response streaming as the Node RIC offers it (UserFunction.js, ResponseStream.js,
// HttpResponseStream.js; lambda-reference §3.3, §4.3):
//   - the `awslambda` global (unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1/true) with
//     streamifyResponse(handler, { highWaterMark }), which only marks the handler, and
//     HttpResponseStream.from(stream, prelude), which sets the integration content type and
//     writes JSON(prelude) + 8 NUL bytes before the first byte of the body;
//   - the handler's responseStream: a Writable with setContentType() (before the first write
//     only); objects written are JSON-stringified. Unlike the RIC's wrapper it is a whole
//     Writable, so pipeline() and friends take it as they are.
// Bytes leave as `chunk` frames from _write, i.e. as the handler writes them; a write's
// callback waits while more than STREAM_WINDOW_BYTES are unacknowledged by the host, which
// is the Writable's ordinary backpressure (write() returning false, 'drain').
import { Writable } from 'node:stream';
import { DEFAULT_STREAM_CONTENT_TYPE, MAX_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '../protocol/messages.js';
import { InvalidStreamingOperation, MalformedStreamingHandler } from './errors.js';

/** The RIC's markers on a streamified handler (Symbol.for, so other wrappers can set them too). */
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const METADATA_PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LEN = 8;

/** Where a response stream's bytes go (the host connection). */
export interface ChunkTransport {
  /** One chunk; `contentType` rides on the first one only. */
  chunk(bytes: Buffer, contentType: string | undefined): void;
}

type WriteCallback = (error?: Error | null) => void;
type FirstWriteHook = (write: (chunk: string | Uint8Array) => void) => void;

export class ResponseStream extends Writable {
  /** Set by HttpResponseStream.from (the RIC's name): runs once, right before the first byte. */
  _onBeforeFirstWrite: FirstWriteHook | undefined;
  readonly #transport: ChunkTransport;
  #contentType = DEFAULT_STREAM_CONTENT_TYPE;
  #begun = false;
  #contentTypeSent = false;
  #inFlight = 0;
  #parked: WriteCallback | undefined;

  constructor(transport: ChunkTransport, highWaterMark: number | undefined) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.#transport = transport;
  }

  setContentType(contentType: string): void {
    if (this.#begun) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.#contentType = String(contentType);
  }

  /** The content type, once fixed by the first write; undefined while it may still change. */
  get sentContentType(): string | undefined {
    return this.#contentTypeSent ? this.#contentType : undefined;
  }

  get contentType(): string {
    return this.#contentType;
  }

  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    this.#begin();
    const data = typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk);
    return typeof encoding === 'function' ? super.write(data, encoding) : super.write(data, encoding ?? 'utf8', callback);
  }

  override end(...args: unknown[]): this {
    let chunk: unknown;
    let encoding: BufferEncoding | undefined;
    let callback: (() => void) | undefined;
    if (typeof args[0] === 'function') callback = args[0] as () => void;
    else {
      chunk = args[0];
      if (typeof args[1] === 'function') callback = args[1] as () => void;
      else {
        encoding = args[1] as BufferEncoding | undefined;
        callback = args[2] as (() => void) | undefined;
      }
    }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding ?? 'utf8');
    else this.#begin(); // an empty body still gets its prelude (a 204 or a redirect)
    return callback === undefined ? super.end() : super.end(callback);
  }

  /** The host took `bytes` more: release a parked write once the window has room. */
  ack(bytes: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - bytes);
    const parked = this.#parked;
    if (parked !== undefined && this.#inFlight < STREAM_WINDOW_BYTES) {
      this.#parked = undefined;
      parked();
    }
  }

  /** A failing invocation ends the stream without a prelude nobody asked for. */
  dropPrelude(): void {
    this._onBeforeFirstWrite = undefined;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: WriteCallback): void {
    this.#send(chunk);
    this.#admit(callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: WriteCallback): void {
    this.#send(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)));
    this.#admit(callback);
  }

  #begin(): void {
    if (this.#begun) return;
    this.#begun = true;
    const hook = this._onBeforeFirstWrite;
    if (typeof hook === 'function') hook((c) => super.write(c));
  }

  #send(bytes: Buffer): void {
    for (let offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
      const piece = bytes.subarray(offset, offset + MAX_CHUNK_BYTES);
      const contentType = this.#contentTypeSent ? undefined : this.#contentType;
      this.#contentTypeSent = true;
      this.#inFlight += piece.length;
      this.#transport.chunk(piece, contentType);
    }
  }

  #admit(callback: WriteCallback): void {
    if (this.#inFlight < STREAM_WINDOW_BYTES) callback();
    else this.#parked = callback;
  }
}

export class HttpResponseStream {
  static from(underlyingStream: ResponseStream, prelude: unknown): ResponseStream {
    underlyingStream.setContentType(METADATA_PRELUDE_CONTENT_TYPE);
    // JSON.stringify keeps NUL bytes out of the prelude (they would be escaped).
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(DELIMITER_LEN));
    };
    return underlyingStream;
  }
}

type Marked = Record<symbol, unknown>;

/** Installs `globalThis.awslambda` as the RIC does before loading the function's module. */
export function installAwsLambdaGlobal(env: NodeJS.ProcessEnv): void {
  const off = env['AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA'];
  if (off === '1' || off === 'true') return;
  (globalThis as Record<string, unknown>)['awslambda'] = {
    streamifyResponse: (handler: object, options?: { highWaterMark?: unknown }): object => {
      (handler as Marked)[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') (handler as Marked)[HANDLER_HIGHWATERMARK] = Math.trunc(options.highWaterMark);
      return handler;
    },
    HttpResponseStream,
  };
}

export interface StreamingMetadata {
  readonly streaming: boolean;
  readonly highWaterMark: number | undefined;
}

/** RIC getHandlerMetadata: a marker other than 'response' is a MalformedStreamingHandler (at INIT). */
export function streamingMetadata(handler: object): StreamingMetadata {
  const mark = (handler as Marked)[HANDLER_STREAMING];
  if (mark === undefined || mark === null || mark === false) return { streaming: false, highWaterMark: undefined };
  if (mark !== STREAM_RESPONSE) throw new MalformedStreamingHandler('Only response streaming is supported.');
  const hwm = Number.parseInt(String((handler as Marked)[HANDLER_HIGHWATERMARK]), 10);
  return { streaming: true, highWaterMark: Number.isNaN(hwm) || hwm < 0 ? undefined : hwm };
}
