// Slow-client protection of the API server: a client that trickles its headers or its
// body is cut off (408) at the deadline instead of holding a connection forever.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readBody } from '../../src/api/http/body.js';
import { createApiServer, DEFAULT_HTTP_TIMEOUTS, MAX_HEADER_BYTES } from '../../src/api/http/server.js';

/** Sends `text` on a raw connection and resolves with what came back and when the server closed it. */
function slowClient(port: number, text: string): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ reply, closedAfterMs: Date.now() - started }));
  });
}

describe('API server timeouts', () => {
  const server = createApiServer({
    surfaces: [],
    defaultScope: { account: '000000000000', region: 'us-east-1' },
    onInternalError: () => undefined,
    timeouts: { headersMs: 400, requestMs: 1000, checkIntervalMs: 50 },
    rawHandlers: [{
      name: 'body reader',
      claims: () => true,
      async handle(req, res) {
        const body = await readBody(req, 1024, 'test');
        res.end(String(body.length));
      },
    }],
  });
  let port: number;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('defaults: 16 KB of headers, 20 s to send them, 300 s for the whole request', () => {
    const defaults = createApiServer({ surfaces: [], defaultScope: { account: '000000000000', region: 'us-east-1' }, onInternalError: () => undefined });
    assert.equal(defaults.headersTimeout, DEFAULT_HTTP_TIMEOUTS.headersMs);
    assert.equal(defaults.requestTimeout, DEFAULT_HTTP_TIMEOUTS.requestMs);
    // node:http keeps the option on the server object (untyped in @types/node 20).
    assert.equal((defaults as typeof defaults & { maxHeaderSize?: number }).maxHeaderSize, MAX_HEADER_BYTES);
    assert.equal(MAX_HEADER_BYTES, 16 * 1024);
  });

  test('a client that never finishes its headers gets 408 and is disconnected', async () => {
    const { reply, closedAfterMs } = await slowClient(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    assert.match(reply, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs >= 350 && closedAfterMs < 3000, `closed after ${closedAfterMs} ms`);
  });

  test('a client that never finishes its body gets 408 at the request deadline', async () => {
    const { reply, closedAfterMs } = await slowClient(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    assert.match(reply, /^HTTP\/1\.1 408 /);
    assert.ok(closedAfterMs >= 900 && closedAfterMs < 4000, `closed after ${closedAfterMs} ms`);
  });

  test('an idle keep-alive connection outlives the header deadline (only keepAliveTimeout ends it)', async () => {
    const replies = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na'));
      let reply = '';
      socket.on('data', (d: Buffer) => (reply += d.toString()));
      socket.on('error', reject);
      setTimeout(() => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab'), 1500);
      socket.on('close', () => resolve(reply));
    });
    assert.equal(replies.match(/HTTP\/1\.1 200 /g)?.length, 2, replies);
  });

  test('a prompt client is unaffected', async () => {
    const { reply } = await slowClient(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
    assert.match(reply, /^HTTP\/1\.1 200 [\s\S]*\r\n\r\n3$/);
  });
});
