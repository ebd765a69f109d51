// A custom runtime (provided.*, python3.*): the function's own `bootstrap` process runs the
// invocation loop against the Runtime API this guest serves on the sandbox's loopback, and
// the guest translates between that API and the host protocol. The bootstrap inherits the
// guest's stdout/stderr, which the host already turns into log lines. When it exits, the
// guest exits the same way, so the host reports Runtime.ExitError with its status and
// replaces the sandbox, exactly as for a crashed Node runtime.
import { spawn } from 'node:child_process';
import type { FunctionInit, GuestMessage, InvokeMessage } from '../../protocol/messages.js';
import { RuntimeApiServer } from './server.js';

/** How the guest talks to the host (guest/io.ts HostConnection.send). */
export type SendToHost = (message: GuestMessage, body?: Buffer, flushed?: () => void) => void;

export interface CustomRuntime {
  invoke(message: InvokeMessage, event: Buffer): void;
  ack(requestId: string, bytes: number): void;
}

export async function startCustomRuntime(fn: FunctionInit, bootstrap: readonly string[], send: SendToHost): Promise<CustomRuntime> {
  const started = performance.now();
  let acks: { readonly requestId: string; readonly ack: (bytes: number) => void } | undefined;
  const server = new RuntimeApiServer({
    initDone: () => send({ t: 'init-ok', initMs: performance.now() - started }),
    initError: (error) => send({ t: 'init-error', error }),
    result: (requestId, body) => send({ t: 'result', requestId }, body),
    error: (requestId, error) => send({ t: 'error', requestId, error }),
    chunk: (requestId, bytes, contentType) => send(contentType === undefined ? { t: 'chunk', requestId } : { t: 'chunk', requestId, contentType }, bytes),
    streamEnd: (requestId, contentType) => send(contentType === undefined ? { t: 'stream-end', requestId } : { t: 'stream-end', requestId, contentType }),
    onAck: (requestId, ack) => {
      acks = ack === undefined ? undefined : { requestId, ack };
    },
  });
  const address = await server.listen();
  const [command, ...args] = bootstrap as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: fn.taskRoot,
    env: { ...fn.env, AWS_LAMBDA_RUNTIME_API: address },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The guest must never outlive its runtime, nor the runtime its guest.
  process.on('exit', () => child.kill('SIGKILL'));
  child.on('error', (err) => {
    process.stderr.write(`nimbus: cannot start the runtime's bootstrap (${command}): ${err.message}\n`);
    send({ t: 'init-error', error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage: `${err.message}`, trace: [] } }, undefined, () => process.exit(127));
  });
  child.on('exit', (code, signal) => {
    server.close();
    if (signal !== null) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
  return {
    invoke: (message, event) => server.deliver({ message, event }),
    ack: (requestId, bytes) => {
      if (acks?.requestId === requestId) acks.ack(bytes);
    },
  };
}
