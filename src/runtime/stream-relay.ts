// The host's side of one streamed response (protocol/messages.ts: chunk, stream-end,
// stream-ack). With a sink, chunks are handed on in arrival order and acknowledged once the
// sink took them (its promise settled), which is what paces the guest; without one (a
// streaming handler called through plain Invoke, whose caller wants one payload, as on
// Lambda) they are collected up to the 6 MB limit and acknowledged at once.
// Acks are coalesced to one frame per turn of the event loop.
import { DEFAULT_STREAM_CONTENT_TYPE, JSON_CONTENT_TYPE, MAX_RESPONSE_BYTES, MAX_STREAM_RESPONSE_BYTES } from '../protocol/index.js';
import type { ResponseHead, ResponseSink } from './execution-types.js';
import type { FrameBody } from './sandbox/index.js';

const EMPTY = Buffer.alloc(0);

export class StreamRelay {
  /** The size limit of this response: 6 MB collected, 200 MiB streamed. */
  readonly limit: number;
  readonly #sink: ResponseSink | undefined;
  readonly #sendAck: (bytes: number) => void;
  readonly #parts: Buffer[] = [];
  #total = 0;
  #begun = false;
  /** The sink threw: the rest is discarded (and still acknowledged, so the function runs on). */
  #sinkBroken = false;
  #pendingAck = 0;
  #ackScheduled = false;
  #closed = false;

  constructor(sink: ResponseSink | undefined, sendAck: (bytes: number) => void) {
    this.#sink = sink;
    this.#sendAck = sendAck;
    this.limit = sink === undefined ? MAX_RESPONSE_BYTES : MAX_STREAM_RESPONSE_BYTES;
  }

  /** One `chunk` frame; false when it would pass the size limit (nothing of it is delivered). */
  chunk(frame: FrameBody, contentType: string | undefined): boolean {
    const length = frame.bodyLength;
    if (frame.bodyTruncated || this.#total + length > this.limit) return false;
    this.#total += length;
    const sink = this.#sink;
    if (sink === undefined) {
      this.#parts.push(frame.body);
      this.#ack(length);
      return true;
    }
    this.#begin({ contentType: contentType ?? DEFAULT_STREAM_CONTENT_TYPE, streaming: true });
    const pending = this.#deliver(frame.body);
    if (pending === undefined) this.#ack(length);
    else pending.then(() => this.#ack(length), () => this.#ack(length));
    return true;
  }

  /** `stream-end`: the collected payload (empty when streamed to a sink). */
  end(contentType: string | undefined): Buffer {
    this.close();
    if (this.#sink === undefined) return this.#parts.length === 1 ? (this.#parts[0] ?? EMPTY) : Buffer.concat(this.#parts, this.#total);
    this.#begin({ contentType: contentType ?? DEFAULT_STREAM_CONTENT_TYPE, streaming: true });
    return EMPTY;
  }

  /** A non-streaming handler's whole result, as one write. */
  whole(payload: Buffer): void {
    this.close();
    this.#begin({ contentType: JSON_CONTENT_TYPE, streaming: false });
    if (payload.length > 0) this.#deliver(payload)?.catch(() => undefined);
  }

  /** No more acks (the invocation is over). */
  close(): void {
    this.#closed = true;
  }

  #begin(head: ResponseHead): void {
    if (this.#begun) return;
    this.#begun = true;
    try {
      this.#sink?.begin(head);
    } catch {
      this.#sinkBroken = true;
    }
  }

  #deliver(bytes: Buffer): Promise<void> | undefined {
    if (this.#sinkBroken || this.#sink === undefined) return undefined;
    try {
      const pending = this.#sink.write(bytes);
      return pending === undefined ? undefined : Promise.resolve(pending);
    } catch {
      this.#sinkBroken = true;
      return undefined;
    }
  }

  #ack(bytes: number): void {
    if (this.#closed) return;
    this.#pendingAck += bytes;
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    setImmediate(() => {
      this.#ackScheduled = false;
      const n = this.#pendingAck;
      this.#pendingAck = 0;
      if (!this.#closed && n > 0) this.#sendAck(n);
    });
  }
}
