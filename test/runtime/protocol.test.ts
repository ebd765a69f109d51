import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder, FrameError, parseGuestMessage, parseHostMessage } from '../../src/protocol/index.js';

test('frames survive any chunking, bodies stay raw bytes', () => {
  const body = Buffer.from(JSON.stringify({ big: 'é'.repeat(10_000) }));
  const wire = Buffer.concat([encodeFrame({ t: 'result', requestId: 'r1' }, body), encodeFrame({ t: 'init-ok', initMs: 3 }), encodeFrame({ t: 'log', requestId: null, level: 'INFO' }, 'line')]);
  for (const size of [1, 3, 7, 64, 4096, wire.length]) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < wire.length; i += size) frames.push(...decoder.push(wire.subarray(i, i + size)));
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0]?.header, { t: 'result', requestId: 'r1' });
    assert.ok(frames[0]?.body.equals(body));
    assert.equal(frames[1]?.body.length, 0);
    assert.equal(frames[2]?.body.toString(), 'line');
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test('a body over maxBodyBytes is skipped, not buffered, and flagged', () => {
  const decoder = new FrameDecoder({ maxBodyBytes: 10 });
  const frames = decoder.push(Buffer.concat([encodeFrame({ t: 'result', requestId: 'r' }, Buffer.alloc(11)), encodeFrame({ t: 'init-ok', initMs: 1 })]));
  assert.equal(frames.length, 2);
  assert.equal(frames[0]?.bodyTruncated, true);
  assert.equal(frames[0]?.bodyLength, 11);
  assert.equal(frames[0]?.body.length, 0);
  assert.deepEqual(frames[1]?.header, { t: 'init-ok', initMs: 1 });
});

test('an oversized or non-JSON header is a FrameError', () => {
  assert.throws(() => new FrameDecoder({ maxHeaderBytes: 4 }).push(encodeFrame({ t: 'ready', pid: 1, node: 'v20' })), FrameError);
  const bad = Buffer.alloc(11);
  bad.writeUInt32BE(3, 0);
  bad.write('{x}', 8);
  assert.throws(() => new FrameDecoder().push(bad), FrameError);
});

test('guest messages are validated', () => {
  assert.deepEqual(parseGuestMessage({ t: 'error', requestId: 'r', error: { errorType: 'E', errorMessage: 'm' } }), {
    t: 'error', requestId: 'r', error: { errorType: 'E', errorMessage: 'm', trace: [] },
  });
  assert.equal(parseGuestMessage({ t: 'log', requestId: 'r', level: 'LOUD' }), undefined);
  assert.equal(parseGuestMessage({ t: 'result' }), undefined);
  assert.equal(parseGuestMessage({ t: 'invoke', requestId: 'r' }), undefined);
  assert.equal(parseGuestMessage([]), undefined);
});

test('streaming messages are validated: chunk, stream-end (content type optional, bounded), stream-ack', () => {
  assert.deepEqual(parseGuestMessage({ t: 'chunk', requestId: 'r', contentType: 'text/plain' }), { t: 'chunk', requestId: 'r', contentType: 'text/plain' });
  assert.deepEqual(parseGuestMessage({ t: 'chunk', requestId: 'r', extra: 1 }), { t: 'chunk', requestId: 'r' });
  assert.deepEqual(parseGuestMessage({ t: 'stream-end', requestId: 'r' }), { t: 'stream-end', requestId: 'r' });
  assert.equal(parseGuestMessage({ t: 'chunk', requestId: 'r', contentType: 'x'.repeat(2000) }), undefined);
  assert.equal(parseGuestMessage({ t: 'stream-end', requestId: 7 }), undefined);
  assert.deepEqual(parseHostMessage({ t: 'stream-ack', requestId: 'r', bytes: 10 }), { t: 'stream-ack', requestId: 'r', bytes: 10 });
  assert.equal(parseHostMessage({ t: 'stream-ack', requestId: 'r' }), undefined);
});
