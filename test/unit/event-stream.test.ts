// The InvokeWithResponseStream framing, checked with the SDK's own event-stream codec
// (@smithy/core, installed with @aws-sdk/client-lambda): lengths, both CRCs, headers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { encodeEventStreamMessage, invokeCompleteEvent, payloadChunkEvent } from '../../src/api/lambda/event-stream.js';

const codec = new EventStreamCodec((b) => Buffer.from(b).toString('utf8'), (s) => Buffer.from(s, 'utf8'));

function headersOf(message: ReturnType<typeof codec.decode>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.value]));
}

test('a PayloadChunk decodes with the SDK codec: headers, raw payload, CRCs valid', () => {
  for (const payload of [Buffer.alloc(0), Buffer.from('a'), Buffer.from([0, 1, 2, 255, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(300_000, 7)]) {
    const decoded = codec.decode(payloadChunkEvent(payload));
    assert.deepEqual(headersOf(decoded), { ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' });
    assert.ok(Buffer.from(decoded.body).equals(payload));
  }
});

test('InvokeComplete carries its structure as JSON; empty when all went well', () => {
  const ok = codec.decode(invokeCompleteEvent({}));
  assert.deepEqual(headersOf(ok), { ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' });
  assert.equal(Buffer.from(ok.body).toString(), '{}');
  const failed = codec.decode(invokeCompleteEvent({ ErrorCode: 'Sandbox.Timedout', ErrorDetails: 'Task timed out after 1.00 seconds', LogResult: 'U1RBUlQ=' }));
  assert.deepEqual(JSON.parse(Buffer.from(failed.body).toString()), { ErrorCode: 'Sandbox.Timedout', ErrorDetails: 'Task timed out after 1.00 seconds', LogResult: 'U1RBUlQ=' });
});

test('byte-identical to the SDK encoder, and a flipped bit fails its CRC check', () => {
  const headers = { ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' };
  const ours = encodeEventStreamMessage(headers, Buffer.from('hello'));
  const theirs = codec.encode({
    headers: Object.fromEntries(Object.entries(headers).map(([k, value]) => [k, { type: 'string' as const, value }])),
    body: Buffer.from('hello'),
  });
  assert.ok(ours.equals(Buffer.from(theirs)));
  for (const at of [5, 20, ours.length - 6]) {
    const corrupt = Buffer.from(ours);
    corrupt[at] = (corrupt[at] ?? 0) ^ 1;
    assert.throws(() => codec.decode(corrupt), /checksum|length/i, `byte ${at}`);
  }
});
