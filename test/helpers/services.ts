// Brokers for the event source tests (Redis, RabbitMQ, NATS, MQTT) on 127.0.0.1. A test
// file that needs one skips with a printed reason when it is not answering, except under
// CI=true, where .ci/run starts it and a skip would hide a failure (like requirePostgres).
import { connect } from 'node:net';

const probes = new Map<string, Promise<string | undefined>>();

function probe(name: string, port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(3000, () => done(`${name} at ${host}:${port} is not answering (timeout); start it`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(`${name} at ${host}:${port} is not answering (${err.message}); start it`));
  });
}

/** `false` when the service answers on the port, else the reason to skip (outside CI) — under CI it throws. */
export async function requireService(name: string, port: number, host = '127.0.0.1'): Promise<string | false> {
  const key = `${host}:${port}`;
  let probed = probes.get(key);
  if (probed === undefined) probes.set(key, (probed = probe(name, port, host)));
  const reason = await probed;
  if (reason === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}
