// Guest runtime entry: runs inside the sandbox, started before it knows its function.
// Lifecycle: connect (fd 3) → `ready` (→ platform forwarder listening) → wait for `init`
// (set env, chdir, load handler) → `init-ok` | `init-error` → serve `invoke` messages one
// at a time.
import { Module } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { ErrorPayload, FunctionInit, HostMessage, InvokeMessage, StartedInvoke } from '../protocol/messages.js';
import { configureLogging, patchConsole } from './console.js';
import { enableSourceMaps, openInspectorIfAsked } from './debugging.js';
import type { LogState } from './console.js';
import { runtimeScope } from './drain.js';
import { toErrorPayload, toFormatted, UnhandledPromiseRejection } from './errors.js';
import { isAsyncHandler, loadHandler } from './handler.js';
import type { Handler } from './handler.js';
import { HostConnection } from './io.js';
import { runInvoke } from './invoke.js';
import { startPlatformForwarder, takePlatformForward } from './platform-forwarder.js';
import { startCustomRuntime } from './runtime-api/custom-runtime.js';
import type { CustomRuntime } from './runtime-api/custom-runtime.js';
import { installAwsLambdaGlobal, streamingMetadata } from './response-stream.js';
import type { StreamingMetadata } from './response-stream.js';
import { startStreamingInvoke } from './stream-invoke.js';
import type { StreamingInvocation } from './stream-invoke.js';

const HOST_FD = 3;
enableSourceMaps();
const platformForward = takePlatformForward(process.env);
// Node creates process.stdout/stderr on first use; created inside a callback handler's
// invocation (any Readable.pipe() touches process.stdout, e.g. the AWS SDK reading a
// response) their idle, ref'd pipe handles would count as the handler's work in drain.ts
// and hold its response until the timeout. They belong to the runtime: create them now.
runtimeScope(() => [process.stdout, process.stderr]);

interface Loaded {
  readonly fn: FunctionInit;
  readonly handler: Handler;
  readonly isAsync: boolean;
  readonly stream: StreamingMetadata;
}

const logState: LogState = { requestId: undefined };
let loaded: Loaded | undefined;
let initStarted = false;
/** The invocation in progress, if any (uncaught errors are reported against it). */
let current: string | undefined;
let queue: Promise<void> = Promise.resolve();
/** The streaming invocation in progress: acks reach it at once, not behind the invocation in the queue. */
let streaming: { readonly requestId: string; readonly invocation: StreamingInvocation } | undefined;
/** Invocations received and not begun (the host may send one while another runs). */
const waiting = new Set<string>();
/** Invocations the host took back before they began (answered `cancelled` at once): skipped. */
const cancelled = new Set<string>();
/** Set by fatal(): the process exits once its last message is flushed. */
let dying = false;
/** Set when the function brings its own runtime (provided.*, python3.*): it gets the invocations. */
let custom: CustomRuntime | undefined;

const conn = new HostConnection(HOST_FD, (message, body) => {
  if (message.t === 'stream-ack') {
    custom?.ack(message.requestId, message.bytes);
    if (streaming?.requestId === message.requestId) streaming.invocation.ack(message.bytes);
    return;
  }
  if (message.t === 'cancel') {
    // Not begun (this process runs one thing at a time, so that is certain now): skipped when its turn comes.
    if (waiting.delete(message.requestId)) {
      cancelled.add(message.requestId);
      conn.send({ t: 'cancelled', requestId: message.requestId });
    }
    return;
  }
  if (message.t === 'invoke') waiting.add(message.requestId);
  queue = queue
    .then(() => handle(message, body))
    .catch((err: unknown) => fatal('Uncaught Exception', err, toErrorPayload(err), 129));
});
patchConsole(conn, logState);

function replaceEnv(env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}

async function init(fn: FunctionInit): Promise<void> {
  if (initStarted) throw new Error('guest: init received twice');
  initStarted = true;
  const started = performance.now();
  replaceEnv(fn.env);
  if (fn.bootstrap !== undefined) {
    custom = await startCustomRuntime(fn, fn.bootstrap, (message, body, flushed) => conn.send(message, body, flushed));
    return;
  }
  // Node reads NODE_PATH once, at start-up; INIT just set it (layers' /opt/nodejs/node_modules).
  (Module as unknown as { _initPaths(): void })._initPaths();
  configureLogging(process.env);
  installAwsLambdaGlobal(process.env);
  openInspectorIfAsked(process.env);
  try {
    process.chdir(fn.taskRoot);
    const handler = await loadHandler(fn.taskRoot, fn.handler);
    loaded = { fn, handler, isAsync: isAsyncHandler(handler), stream: streamingMetadata(handler) };
    conn.send({ t: 'init-ok', initMs: performance.now() - started });
  } catch (err) {
    // The RIC lets the load error reach its uncaughtException handler, which logs it,
    // posts /init/error and exits.
    fatal('Uncaught Exception', err, toErrorPayload(err), 129);
  }
}

async function invoke(sent: InvokeMessage, body: Buffer): Promise<void> {
  // The host may have sent it while another ran: its time starts now.
  const msg: StartedInvoke = { ...sent, deadlineMs: Date.now() + sent.timeoutMs };
  if (custom) return custom.invoke(msg, body);
  const began = performance.now();
  if (!loaded) throw new Error('guest: invoke before a successful init');
  current = msg.requestId;
  logState.requestId = msg.requestId;
  if (msg.traceId === undefined) delete process.env['_X_AMZN_TRACE_ID'];
  else process.env['_X_AMZN_TRACE_ID'] = msg.traceId;
  if (loaded.stream.streaming) return invokeStreaming(loaded, msg, body);
  const outcome = await runInvoke(loaded.fn, loaded.handler, loaded.isAsync, msg, body);
  if (current !== msg.requestId) return; // already failed by an uncaught error
  current = undefined;
  if (outcome.ok) conn.send({ t: 'result', requestId: msg.requestId, runMs: performance.now() - began }, outcome.body);
  else conn.send({ t: 'error', requestId: msg.requestId, error: outcome.error });
}

/** A streamified handler: chunks leave as written, then `stream-end` or `error`. */
async function invokeStreaming(fn: Loaded, msg: StartedInvoke, body: Buffer): Promise<void> {
  const { requestId } = msg;
  const invocation = startStreamingInvoke(fn.fn, fn.handler, fn.stream, msg, body, {
    chunk: (bytes, contentType) => {
      // After an uncaught error was reported the host no longer listens; the process exits.
      if (current === requestId) conn.send(contentType === undefined ? { t: 'chunk', requestId } : { t: 'chunk', requestId, contentType }, bytes);
    },
  });
  streaming = { requestId, invocation };
  const outcome = await invocation.outcome;
  streaming = undefined;
  if (current !== requestId) return;
  current = undefined;
  if (!outcome.ok) conn.send({ t: 'error', requestId, error: outcome.error });
  else conn.send(outcome.contentType === undefined ? { t: 'stream-end', requestId } : { t: 'stream-end', requestId, contentType: outcome.contentType });
}

async function handle(message: HostMessage, body: Buffer): Promise<void> {
  // After a fatal error the process is on its way out: a queued invocation must not begin
  // (the host runs it elsewhere, as one that never started).
  if (dying) return;
  if (message.t === 'init') await init(message.function);
  else if (message.t === 'invoke') {
    if (cancelled.delete(message.requestId)) return;
    waiting.delete(message.requestId);
    await invoke(message, body);
  }
}

/** Logs like the RIC, reports to the host (invoke error or init error), then exits. */
function fatal(label: string, err: unknown, payload: ErrorPayload, exitCode: number): void {
  dying = true;
  console.error(label, toFormatted(err));
  const exit = (): never => process.exit(exitCode);
  const requestId = current;
  current = undefined;
  if (requestId !== undefined) conn.send({ t: 'error', requestId, error: payload, exiting: true }, undefined, exit);
  else if (!loaded) conn.send({ t: 'init-error', error: payload }, undefined, exit);
  else exit();
  // If the socket never drains the host kills us anyway; do not linger.
  setTimeout(exit, 1000).unref();
}

process.on('uncaughtException', (err) => fatal('Uncaught Exception', err, toErrorPayload(err), 129));
process.on('unhandledRejection', (reason, promise) => {
  const err = new UnhandledPromiseRejection((reason as { toString?: () => string } | null)?.toString?.(), promise);
  fatal('Unhandled Promise Rejection', err, toErrorPayload(err), 128);
});

conn.send({ t: 'ready', pid: process.pid, node: process.version });
// After `ready`, so its few ms overlap the host's assign() instead of delaying a spawn. It
// binds within this tick and the next (listen's lookup of an IP literal is a nextTick),
// before any message from the host is read: no handler can run before it listens.
if (platformForward) startPlatformForwarder(platformForward);
