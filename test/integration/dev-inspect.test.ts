// `nimbus dev --inspect`: a debugger speaking the inspector protocol (over `ws`, as
// VS Code and Chrome DevTools do) attaches to the function's instance, a breakpoint in
// the handler pauses the call there, and resuming lets it answer.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startDev, type DevSession } from './dev-support.js';

const HANDLER = `exports.handler = async (event) => {
  const doubled = event.n * 2;
  return { doubled };
};
`;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A minimal inspector-protocol client: commands by id, events by name. */
class Inspector {
  readonly #ws: WebSocket;
  #next = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();
  readonly #events: Array<{ method: string; params: unknown }> = [];
  readonly #waiters: Array<{ method: string; resolve: (params: unknown) => void }> = [];

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (msg.id !== undefined) this.#pending.get(msg.id)?.(msg.error ?? msg.result);
      else if (msg.method !== undefined) {
        const waiter = this.#waiters.findIndex((w) => w.method === msg.method);
        if (waiter >= 0) this.#waiters.splice(waiter, 1)[0]?.resolve(msg.params);
        else this.#events.push({ method: msg.method, params: msg.params });
      }
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Inspector(ws);
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.#next++;
    this.#ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.#pending.set(id, resolve as (r: unknown) => void));
  }

  event<T>(method: string): Promise<T> {
    const seen = this.#events.findIndex((e) => e.method === method);
    if (seen >= 0) return Promise.resolve(this.#events.splice(seen, 1)[0]?.params as T);
    return new Promise((resolve) => this.#waiters.push({ method, resolve: resolve as (p: unknown) => void }));
  }

  close(): void {
    this.#ws.close();
  }
}

interface Paused { hitBreakpoints?: string[]; callFrames: Array<{ callFrameId: string; functionName: string; location: { lineNumber: number } }> }

describe('nimbus dev --inspect', () => {
  let dir: string;
  let dev: DevSession;
  let port: number;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-dev-inspect-'));
    await writeFile(path.join(dir, 'index.js'), HANDLER);
    port = await freePort();
    dev = await startDev(dir, ['--name', 'debugme', '--inspect-port', String(port)]);
  });
  after(async () => {
    await dev?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a debugger attaches, a breakpoint in the handler is hit, and the call completes after resume', async () => {
    assert.deepEqual(await dev.invoke('debugme', { n: 1 }), { doubled: 2 }); // starts the instance
    const wsUrl = (await dev.waitFor(new RegExp(`debugger can attach at (ws://127\\.0\\.0\\.1:${port}/\\S+)`)))[1] as string;
    const inspector = await Inspector.connect(wsUrl);
    try {
      await inspector.send('Debugger.enable');
      const bp = await inspector.send<{ breakpointId: string; locations: unknown[] }>('Debugger.setBreakpointByUrl', { lineNumber: 1, urlRegex: 'index\\.js$' });
      assert.equal(bp.locations.length, 1, 'the loaded handler has the breakpoint line');
      const call = dev.invoke('debugme', { n: 21 });
      const paused = await inspector.event<Paused>('Debugger.paused');
      const top = paused.callFrames[0];
      assert.deepEqual(paused.hitBreakpoints, [bp.breakpointId]);
      assert.equal(top?.functionName, 'exports.handler');
      assert.equal(top?.location.lineNumber, 1);
      const n = await inspector.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: top?.callFrameId, expression: 'event.n' });
      assert.equal(n.result.value, 21);
      await inspector.send('Debugger.resume');
      assert.deepEqual(await call, { doubled: 42 });
    } finally {
      inspector.close();
    }
  });

  test('--inspect with the bwrap sandbox is refused with the reason', async () => {
    const { nimbus } = await import('../helpers/cli.js');
    const out = await nimbus(['dev', dir, '--inspect', '--sandbox', 'bwrap', '--port', '0']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--inspect needs the process sandbox/);
  });
});
