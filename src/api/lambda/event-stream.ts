// AWS event-stream framing (`application/vnd.amazon.eventstream`, lambda-reference §2.4), the
// body of InvokeWithResponseStream. One message:
//   [u32 total length][u32 headers length][u32 CRC32 of those 8 bytes][headers][payload][u32 CRC32 of all before]
// big-endian; a header is [u8 name length][name][u8 type 7 = string][u16 value length][value].
// Headers as the SDK's EventStreamSerde reads them (@smithy/core event-streams):
// `:message-type` event, `:event-type` the union member (PayloadChunk | InvokeComplete),
// `:content-type` application/octet-stream for the blob payload of a PayloadChunk and
// application/json for InvokeComplete, whose payload is the JSON of the structure.
import { crc32 } from '../../util/crc32.js';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const STRING_TYPE = 7;

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (n.length > 255 || v.length > 0xffff) throw new RangeError(`event-stream header ${name} is too long`);
    const head = Buffer.allocUnsafe(1 + n.length + 3);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(STRING_TYPE, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

/** One message from already encoded headers; the payload is copied once, into the message. */
function encodeWith(headers: Buffer, payload: Uint8Array): Buffer {
  const total = PRELUDE_BYTES + headers.length + payload.length + CRC_BYTES;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headers.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headers.copy(out, PRELUDE_BYTES);
  out.set(payload, PRELUDE_BYTES + headers.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return out;
}

export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  return encodeWith(encodeHeaders(headers), payload);
}

const PAYLOAD_CHUNK_HEADERS = encodeHeaders({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' });
const INVOKE_COMPLETE_HEADERS = encodeHeaders({ ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' });

/** A PayloadChunk event carrying `bytes`. */
export function payloadChunkEvent(bytes: Uint8Array): Buffer {
  return encodeWith(PAYLOAD_CHUNK_HEADERS, bytes);
}

export interface InvokeComplete {
  readonly ErrorCode?: string;
  readonly ErrorDetails?: string;
  readonly LogResult?: string;
}

/** The InvokeComplete event that ends every stream. */
export function invokeCompleteEvent(complete: InvokeComplete): Buffer {
  return encodeWith(INVOKE_COMPLETE_HEADERS, Buffer.from(JSON.stringify(complete), 'utf8'));
}
