// A custom runtime (provided.*, python3.*): the function's own `bootstrap` process runs the
// invocation loop against the Runtime API this guest serves on the sandbox's loopback, and
// the guest translates between that API and the host protocol. The bootstrap's stdout and
// stderr are read here and sent as log lines over the same connection as the results, so a
// line the runtime wrote before posting its response is always logged (and in the log tail)
// before that response reaches the host — two separate pipes would race. When it exits, the
// guest exits the same way, so the host reports Runtime.ExitError with its status and
// replaces the sandbox, exactly as for a crashed Node runtime.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { FunctionInit, GuestMessage, StartedInvoke } from '../../protocol/messages.js';
import { RuntimeApiServer } from './server.js';

/** How the guest talks to the host (guest/io.ts HostConnection.send). */
export type SendToHost = (message: GuestMessage, body?: Buffer, flushed?: () => void) => void;

export interface CustomRuntime {
  invoke(message: StartedInvoke, event: Buffer): void;
  ack(requestId: string, bytes: number): void;
}

/** Splits a stream into lines and sends each as a log line of the current invocation. */
function forwardLines(stream: Readable, send: SendToHost, currentRequestId: () => string | null): { flush(): void } {
  let pending = '';
  const flush = (): void => {
    if (pending !== '') send({ t: 'log', requestId: currentRequestId(), level: 'INFO' }, Buffer.from(pending));
    pending = '';
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      send({ t: 'log', requestId: currentRequestId(), level: 'INFO' }, Buffer.from(pending.slice(0, newline)));
      pending = pending.slice(newline + 1);
    }
  });
  return { flush };
}

export async function startCustomRuntime(fn: FunctionInit, bootstrap: readonly string[], send: SendToHost): Promise<CustomRuntime> {
  const started = performance.now();
  let acks: { readonly requestId: string; readonly ack: (bytes: number) => void } | undefined;
  let current: string | null = null;
  const outputs: { flush(): void }[] = [];
  // Output the runtime wrote before posting is already in our pipes: read it (same poll
  // phase) before the outcome goes out, and send any unterminated last line with it.
  const afterOutput = (deliver: () => void): void => {
    setImmediate(() => {
      for (const output of outputs) output.flush();
      deliver();
    });
  };
  const server = new RuntimeApiServer({
    initDone: () => afterOutput(() => send({ t: 'init-ok', initMs: performance.now() - started })),
    initError: (error) => afterOutput(() => send({ t: 'init-error', error })),
    result: (requestId, body) => afterOutput(() => send({ t: 'result', requestId }, body)),
    error: (requestId, error) => afterOutput(() => send({ t: 'error', requestId, error })),
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  outputs.push(forwardLines(child.stdout, send, () => current), forwardLines(child.stderr, send, () => current));
  // The guest must never outlive its runtime, nor the runtime its guest.
  process.on('exit', () => child.kill('SIGKILL'));
  child.on('error', (err) => {
    process.stderr.write(`nimbus: cannot start the runtime's bootstrap (${command}): ${err.message}\n`);
    send({ t: 'init-error', error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage: `${err.message}`, trace: [] } }, undefined, () => process.exit(127));
  });
  // 'close', not 'exit': the runtime's last output has been read and sent by then.
  child.on('close', (code, signal) => {
    for (const output of outputs) output.flush();
    server.close();
    if (signal !== null) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
  return {
    invoke: (message, event) => {
      current = message.requestId;
      server.deliver({ message, event });
    },
    ack: (requestId, bytes) => {
      if (acks?.requestId === requestId) acks.ack(bytes);
    },
  };
}
