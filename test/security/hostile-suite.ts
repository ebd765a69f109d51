// The setting both hostile-function suites attack: a real `nimbus serve --sandbox bwrap`, a
// live TCP listener on the host's loopback (standing in for PostgreSQL/Redis: it is
// listening, so a refused connection proves the sandbox cannot reach it, not that nothing
// was there), and a control function that must still answer after every attack.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { AttackTally, controlStillServes } from '../helpers/hostile.js';
import { startServer, type RunningServer } from '../helpers/server.js';

export interface HostileSuite {
  readonly server: RunningServer;
  readonly lambda: LambdaClient;
  /** Port of the live listener on the host's 127.0.0.1. */
  readonly hostPort: number;
  /** Runs one attack; it counts as contained once `body` passed and the control function still serves. */
  readonly contained: (name: string, body: () => Promise<void>) => Promise<void>;
}

/** Registers the suite's before/after hooks (call it inside `describe`); fields are set once `before` ran. */
export function hostileSuite(options: { readonly label: string; readonly env?: Readonly<Record<string, string>> }): HostileSuite {
  const tally = new AttackTally();
  let server: RunningServer | undefined;
  let lambda: LambdaClient | undefined;
  let hostListener: net.Server | undefined;
  let hostPort = 0;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the hostile suite has not started');
    return value;
  };

  before(async () => {
    server = await startServer({ args: ['--sandbox', 'bwrap'], env: options.env });
    lambda = server.lambda();
    const listener = net.createServer((socket) => socket.end('+PONG\r\n'));
    hostListener = listener;
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    hostPort = (listener.address() as net.AddressInfo).port;
    await deploy(lambda, 'control', { 'index.js': 'exports.handler = async (e) => ({ ok: true, ping: e.ping });' });
  });
  after(async () => {
    console.log(tally.summary(options.label));
    hostListener?.close();
    await server?.dispose();
  });

  return {
    get server() { return ready(server); },
    get lambda() { return ready(lambda); },
    get hostPort() { return hostPort; },
    contained: (name, body) => tally.attack(async () => {
      await body();
      assert.deepEqual(await controlStillServes(ready(lambda), 'control', name), { ok: true, ping: name });
    }),
  };
}
