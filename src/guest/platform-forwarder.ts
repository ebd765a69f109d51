// Platform access from inside a namespaced sandbox. The sandbox has a network namespace
// of its own with only a loopback interface, so the AWS SDK cannot reach the platform's
// TCP port; the driver binds the platform's Unix socket into the sandbox instead, and the
// guest listens on 127.0.0.1:<port> there and pipes each connection to that socket
// (AWS_ENDPOINT_URL names this port). The driver says where, in two variables it sets for
// the guest alone: INIT replaces the whole environment, so the function never sees them.
import net from 'node:net';

const SOCKET_VAR = 'NIMBUS_PLATFORM_SOCKET';
const PORT_VAR = 'NIMBUS_PLATFORM_PORT';

export interface PlatformForward {
  readonly socketPath: string;
  readonly port: number;
}

/** Reads and removes the driver's forwarding instructions; undefined when there are none. */
export function takePlatformForward(env: NodeJS.ProcessEnv): PlatformForward | undefined {
  const socketPath = env[SOCKET_VAR];
  const port = Number(env[PORT_VAR]);
  delete env[SOCKET_VAR];
  delete env[PORT_VAR];
  if (socketPath === undefined || socketPath === '' || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { socketPath, port };
}

function pipeToSocket(client: net.Socket, socketPath: string): void {
  // Neither end may keep the runtime alive, nor count as the handler's own work when a
  // callback handler waits for an empty event loop (drain.ts checks hasRef()): the
  // handler's client socket is what counts.
  client.unref();
  const upstream = net.connect({ path: socketPath });
  upstream.unref();
  // A failure on either side (the platform gone, the client reset) ends both, quietly:
  // the SDK sees a closed connection and retries or fails as it would against AWS.
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.pipe(upstream);
  upstream.pipe(client);
}

/**
 * Listens on 127.0.0.1:port and forwards to the socket. Errors go to stderr (the
 * function's log) and the runtime goes on without platform access rather than dying (a
 * failed accept, e.g. EMFILE, included).
 */
export function startPlatformForwarder(forward: PlatformForward): net.Server {
  const server = net.createServer((client) => pipeToSocket(client, forward.socketPath));
  server.unref();
  server.on('error', (err) => process.stderr.write(`nimbus: platform access on 127.0.0.1:${forward.port}: ${err.message}\n`));
  server.listen(forward.port, '127.0.0.1');
  return server;
}
