// Length-prefixed frames over one stream socket between the host and the guest:
//
//   [u32 BE headerLen][u32 BE bodyLen][header: JSON, UTF-8][body: raw bytes]
//
// The body carries payloads (events, responses, log text) as raw bytes, so a 6 MB
// event is not JSON-escaped a second time and the header stays small.

/** Bytes of the two length prefixes. */
export const FRAME_PREFIX_BYTES = 8;

export interface Frame {
  /** Parsed header JSON; validated by the receiver (see messages.ts). */
  readonly header: unknown;
  /** The body bytes; empty when `bodyTruncated` (the bytes were skipped, never buffered). */
  readonly body: Buffer;
  /** Length of the body as announced by the sender. */
  readonly bodyLength: number;
  /** True when bodyLength exceeded the decoder's maxBodyBytes and the body was discarded. */
  readonly bodyTruncated: boolean;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

const EMPTY = Buffer.alloc(0);

/** Encodes one frame. The result is one Buffer, so one `write()` keeps frames whole. */
export function encodeFrame(header: object, body?: Uint8Array | string): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyBuf = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const out = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + head.length + bodyBuf.length);
  out.writeUInt32BE(head.length, 0);
  out.writeUInt32BE(bodyBuf.length, 4);
  head.copy(out, FRAME_PREFIX_BYTES);
  out.set(bodyBuf, FRAME_PREFIX_BYTES + head.length);
  return out;
}

export interface FrameDecoderOptions {
  /** A header longer than this is a protocol error (the stream cannot be trusted after it). */
  readonly maxHeaderBytes?: number;
  /** A body longer than this is skipped and delivered as `bodyTruncated` (not an error). */
  readonly maxBodyBytes?: number;
}

type DecodeState =
  | { readonly phase: 'prefix' }
  | { readonly phase: 'header'; readonly headerLen: number; readonly bodyLen: number }
  | { readonly phase: 'body'; readonly header: unknown; readonly bodyLen: number; readonly keep: boolean; remaining: number; readonly parts: Buffer[] };

/**
 * Streaming decoder: push socket chunks, get whole frames back. Throws FrameError on a
 * malformed stream (over-long or non-JSON header); the caller then drops the connection.
 */
export class FrameDecoder {
  readonly #maxHeader: number;
  readonly #maxBody: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #state: DecodeState = { phase: 'prefix' };

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxHeader = options.maxHeaderBytes ?? 1024 * 1024;
    this.#maxBody = options.maxBodyBytes ?? 0xffff_ffff;
  }

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    if (chunk.length > 0) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
    for (;;) {
      const state = this.#state;
      if (state.phase === 'prefix') {
        if (this.#pendingBytes < FRAME_PREFIX_BYTES) break;
        const prefix = this.#take(FRAME_PREFIX_BYTES);
        const headerLen = prefix.readUInt32BE(0);
        const bodyLen = prefix.readUInt32BE(4);
        if (headerLen > this.#maxHeader) throw new FrameError(`frame header of ${headerLen} bytes exceeds ${this.#maxHeader}`);
        this.#state = { phase: 'header', headerLen, bodyLen };
      } else if (state.phase === 'header') {
        if (this.#pendingBytes < state.headerLen) break;
        const raw = this.#take(state.headerLen).toString('utf8');
        let header: unknown;
        try {
          header = JSON.parse(raw);
        } catch {
          throw new FrameError('frame header is not valid JSON');
        }
        this.#state = { phase: 'body', header, bodyLen: state.bodyLen, keep: state.bodyLen <= this.#maxBody, remaining: state.bodyLen, parts: [] };
      } else {
        if (state.remaining > 0) {
          if (this.#pendingBytes === 0) break;
          const piece = this.#take(Math.min(state.remaining, this.#pendingBytes));
          state.remaining -= piece.length;
          if (state.keep) state.parts.push(piece);
          if (state.remaining > 0) break;
        }
        const body = !state.keep ? EMPTY : state.parts.length === 1 ? (state.parts[0] ?? EMPTY) : Buffer.concat(state.parts);
        frames.push({ header: state.header, body, bodyLength: state.bodyLen, bodyTruncated: !state.keep });
        this.#state = { phase: 'prefix' };
      }
    }
    return frames;
  }

  /** Bytes received but not yet part of a delivered frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #take(n: number): Buffer {
    const first = this.#pending[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#pending.shift();
      else this.#pending[0] = first.subarray(n);
      this.#pendingBytes -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const head = this.#pending[0];
      if (head === undefined) throw new FrameError('decoder underflow');
      const use = Math.min(head.length, n - filled);
      head.copy(out, filled, 0, use);
      filled += use;
      if (use === head.length) this.#pending.shift();
      else this.#pending[0] = head.subarray(use);
    }
    this.#pendingBytes -= n;
    return out;
  }
}
