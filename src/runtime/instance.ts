// An execution environment: one Sandbox bound to one function version for life, serving
// one request at a time (lambda-reference §4.4). The host enforces every limit from the
// outside: the INIT limit (10 s), the function timeout (kill → Sandbox.Timedout), process
// exit (Runtime.ExitError), OOM (Runtime.OutOfMemory) and the 6 MB response limit (200 MiB
// for a streamed response, stream-relay.ts). After a timeout, exit or OOM the instance is
// dead and the scheduler replaces it; so it is after a stream that passed its size limit,
// since the handler is still writing it.
import type { FunctionCredentials } from '../auth/function-credentials.js';
import { performance } from 'node:perf_hooks';
import { MAX_RESPONSE_BYTES } from '../protocol/index.js';
import type { ErrorPayload, GuestMessage } from '../protocol/index.js';
import { InvocationNotStarted, type ExecutionInstance, type FunctionSpec, type InstanceOutcome, type InvocationInput, type InvocationResult, type LogLine, type ResponseSink } from './execution-types.js';
import { functionEnvironment } from './function-environment.js';
import { runtimeBootstrap } from './runtime-bootstrap.js';
import type { FrameBody, Sandbox, SandboxExit } from './sandbox/index.js';
import { StreamRelay } from './stream-relay.js';

/** Lambda's on-demand INIT limit. */
export const INIT_TIMEOUT_MS = 10_000;
/** Lines kept per invocation; a log storm beyond this is cut (the platform must not run out of memory). */
const MAX_LINES = 10_000;
const MAX_LINE_BYTES_TOTAL = 16 * 1024 * 1024;
const MIB = 1024 * 1024;
/** An instance that waited out its CPU share within this long (5 CPU periods) counts as throttled. */
const THROTTLED_RECENTLY_MS = 100;

/** State union: initializing → idle ⇄ busy → dead (dead is final). */
export type InstanceState = 'initializing' | 'idle' | 'busy' | 'dead';

export interface InstanceOptions {
  readonly sandbox: Sandbox;
  readonly spec: FunctionSpec;
  /** 32 hex, the environment id in the log stream name; default the sandbox id. */
  readonly instanceId?: string;
  readonly initType?: 'on-demand' | 'provisioned-concurrency';
  /** AWS_ENDPOINT_URL for the SDK inside the function, when platform access is set up. */
  readonly awsEndpoint?: string;
  /** The credentials the function calls the platform with (src/auth/function-credentials.ts). */
  readonly credentials?: FunctionCredentials;
  readonly initTimeoutMs?: number;
  /** Epoch ms (injectable for tests). */
  readonly now?: () => number;
}

/** A call sent to the guest while another ran; it starts when the ones before it have finished. */
interface QueuedCall {
  readonly input: InvocationInput;
  readonly resolve: (outcome: InstanceOutcome) => void;
  readonly reject: (err: unknown) => void;
  /** takeBackQueued() asked the guest to skip it; the guest answers `cancelled`, or runs it if it had begun. */
  takenBack: boolean;
}

type Failure = { readonly error: ErrorPayload; readonly cause: Extract<InvocationResult, { kind: 'error' }>['cause'] };

/** What a pending INIT or INVOKE is waiting for. */
type Waiter = (event: { kind: 'message'; message: GuestMessage; frame: FrameBody } | { kind: 'exit'; exit: SandboxExit } | { kind: 'timeout' }) => void;

/** Go's names for signals, as RAPID prints them in "Runtime exited with error: signal: …". */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed', SIGABRT: 'aborted', SIGSEGV: 'segmentation fault', SIGTERM: 'terminated', SIGBUS: 'bus error',
  SIGILL: 'illegal instruction', SIGFPE: 'floating point exception', SIGXCPU: 'CPU time limit exceeded', SIGHUP: 'hangup', SIGINT: 'interrupt',
};

export function logStreamName(date: Date, version: string, instanceId: string): string {
  const ymd = date.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${ymd}/[${version}]${instanceId}`;
}

/** The error a dead runtime yields (lambda-reference §2.3, §7.3). */
export function exitFailure(requestId: string, exit: SandboxExit, timeoutSec: number): Failure {
  const prefix = `RequestId: ${requestId} Error:`;
  if (exit.killedBy === 'timeout') {
    return { cause: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: `${prefix} Task timed out after ${timeoutSec.toFixed(2)} seconds`, trace: [] } };
  }
  if (exit.oomKilled) {
    return { cause: 'out-of-memory', error: { errorType: 'Runtime.OutOfMemory', errorMessage: `${prefix} Runtime exited with error: signal: killed`, trace: [] } };
  }
  let reason: string;
  if (exit.signal !== null) reason = `Runtime exited with error: signal: ${SIGNAL_TEXT[exit.signal] ?? exit.signal}`;
  else if (exit.code !== null && exit.code !== 0) reason = `Runtime exited with error: exit status ${exit.code}`;
  else reason = 'Runtime exited without providing a reason';
  return { cause: 'exit', error: { errorType: 'Runtime.ExitError', errorMessage: `${prefix} ${reason}`, trace: [] } };
}

export class SandboxInstance implements ExecutionInstance {
  readonly id: string;
  readonly logStream: string;
  readonly memoryMb: number;
  readonly initType: 'on-demand' | 'provisioned-concurrency';

  readonly #sandbox: Sandbox;
  readonly #spec: FunctionSpec;
  readonly #now: () => number;
  #state: InstanceState = 'initializing';
  #waiter: Waiter | undefined;
  /** Lines not yet handed out (INIT output, output between invocations, the current invocation's). */
  #lines: LogLine[] = [];
  #lineBytes = 0;
  #linesCut = false;
  #initDurationMs: number | undefined;
  /** INIT failed: the first invoke reports this (request id filled in then). */
  #initFailure: ((requestId: string) => Failure) | undefined;
  #exit: SandboxExit | undefined;
  /** Calls sent to the guest that start after the running one (see queues). */
  readonly #queued: QueuedCall[] = [];
  #takesQueue = false;
  #lastRunMs: number | undefined;
  #throttleCount: number | undefined;
  #throttledAt = Number.NEGATIVE_INFINITY;

  private constructor(options: InstanceOptions) {
    this.#sandbox = options.sandbox;
    this.#spec = options.spec;
    this.#now = options.now ?? Date.now;
    this.id = options.instanceId ?? options.sandbox.id;
    this.memoryMb = options.spec.memoryMb;
    this.initType = options.initType ?? 'on-demand';
    this.logStream = logStreamName(new Date(this.#now()), options.spec.version, this.id);
    this.#sandbox.onMessage((message, frame) => this.#onMessage(message, frame));
    this.#sandbox.onOutput((line) => this.#addLine(line.timestamp, line.text));
    void this.#sandbox.exited.then((exit) => {
      this.#exit = exit;
      if (this.#state !== 'busy') this.#state = 'dead';
      this.#waiter?.({ kind: 'exit', exit });
    });
  }

  /**
   * Binds an idle sandbox to the function and runs INIT. Resolves when INIT is over, also
   * when it failed (the first invoke then reports the failure); rejects only when the
   * sandbox could not be assigned (a platform problem).
   */
  static async create(options: InstanceOptions): Promise<SandboxInstance> {
    const instance = new SandboxInstance(options);
    await instance.#init(options);
    return instance;
  }

  get state(): InstanceState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#sandbox.pid;
  }

  get alive(): boolean {
    return this.#state !== 'dead';
  }

  get initFailed(): boolean {
    return this.#initFailure !== undefined;
  }

  get lastRunMs(): number | undefined {
    return this.#lastRunMs;
  }

  /** The sandbox waited out its CPU share (a small MemorySize under load) within the last THROTTLED_RECENTLY_MS, as of its last result. */
  get cpuThrottled(): boolean {
    return performance.now() - this.#throttledAt < THROTTLED_RECENTLY_MS;
  }

  /** Node.js functions take queued calls (a custom runtime's bootstrap polls for one call at a time). */
  get queues(): boolean {
    return this.#takesQueue;
  }

  invoke(input: InvocationInput): Promise<InstanceOutcome> {
    if (this.#state === 'busy' && this.#takesQueue) return this.#enqueue(input);
    return this.#run(input, undefined, false);
  }

  invokeStream(input: InvocationInput, sink: ResponseSink): Promise<InstanceOutcome> {
    return this.#run(input, sink, false);
  }

  /** Sends a call to the guest now; it starts when the calls before it have finished. */
  #enqueue(input: InvocationInput): Promise<InstanceOutcome> {
    return new Promise<InstanceOutcome>((resolve, reject) => {
      this.#queued.push({ input, resolve, reject, takenBack: false });
      this.#sendInvoke(input);
    });
  }

  #sendInvoke(input: InvocationInput): void {
    // One shape for every call (JSON leaves the undefined fields out).
    this.#sandbox.send(
      {
        t: 'invoke', requestId: input.requestId, timeoutMs: this.#spec.timeoutSec * 1000, invokedFunctionArn: input.invokedFunctionArn,
        clientContext: input.clientContext, traceId: input.traceId,
      },
      input.payload,
    );
  }

  /**
   * Asks the guest to skip the calls queued behind the running one (it runs long): each then
   * rejects with InvocationNotStarted, or completes as usual if it had begun already.
   */
  takeBackQueued(): void {
    for (const call of this.#queued) {
      if (call.takenBack) continue;
      call.takenBack = true;
      this.#sandbox.send({ t: 'cancel', requestId: call.input.requestId });
    }
  }

  /** Starts the next queued call, in the same tick the one before it finished (its frames may follow in the same read). */
  #startQueued(): boolean {
    const next = this.#queued.shift();
    if (next === undefined) return false;
    this.#run(next.input, undefined, true).then(next.resolve, next.reject);
    return true;
  }

  /** The instance died: calls still queued never began. */
  #dropQueued(): void {
    for (const call of this.#queued.splice(0)) call.reject(new InvocationNotStarted(`instance ${this.id} ended before call ${call.input.requestId} began`));
  }

  /** `sent`: a queued call, already sent, starting now. */
  async #run(input: InvocationInput, sink: ResponseSink | undefined, sent: boolean): Promise<InstanceOutcome> {
    if (this.#state === 'busy' && !sent) throw new Error(`instance ${this.id} is busy (one request at a time)`);
    const startedAt = this.#now();
    const t0 = performance.now();
    const initDurationMs = this.#initDurationMs;
    this.#initDurationMs = undefined;
    const outcome = (result: InvocationResult): InstanceOutcome => {
      this.#noteThrottling();
      return {
        result, lines: this.#takeLines(), startedAt, durationMs: performance.now() - t0, initDurationMs,
        maxMemoryUsedMb: Math.ceil((this.#sandbox.peakMemoryBytes() ?? 0) / MIB),
      };
    };

    const initFailure = this.#initFailure;
    if (initFailure) {
      this.#initFailure = undefined;
      this.#state = 'dead';
      await this.#sandbox.dispose();
      return outcome({ kind: 'error', ...initFailure(input.requestId) });
    }
    if (this.#state === 'dead' || this.#exit) {
      this.#state = 'dead';
      this.#dropQueued();
      return outcome({ kind: 'error', ...exitFailure(input.requestId, this.#exit ?? { code: null, signal: null, oomKilled: false, killedBy: null }, this.#spec.timeoutSec) });
    }

    this.#state = 'busy';
    const deadlineMs = startedAt + this.#spec.timeoutSec * 1000;
    const { requestId } = input;
    let exiting = false;
    /** The outcome, when the call ended with the instance alive: taken at once, before the next call's lines arrive. */
    let settled: InstanceOutcome | undefined;
    /** Created on the first chunk: non-streaming handlers never pay for it. */
    let relay: StreamRelay | undefined;
    const result = await new Promise<InvocationResult>((resolve) => {
      const timer = setTimeout(() => this.#waiter?.({ kind: 'timeout' }), Math.max(0, deadlineMs - this.#now()));
      const finish = (r: InvocationResult): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
        relay?.close();
        if (!exiting && this.#exit === undefined) {
          settled = outcome(r);
          // The next queued call is running in the guest already; its frames may follow in this same read.
          if (!this.#startQueued()) this.#state = 'idle';
        }
        resolve(r);
      };
      const tooLarge = (limit: number): InvocationResult => ({
        kind: 'error',
        cause: 'response-too-large',
        error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`, trace: [] },
      });
      this.#waiter = (event) => {
        if (event.kind === 'timeout') {
          // The exit that follows (killedBy 'timeout') completes the invocation.
          this.#sandbox.kill('timeout');
        } else if (event.kind === 'exit') {
          finish({ kind: 'error', ...exitFailure(requestId, event.exit, this.#spec.timeoutSec) });
        } else if (event.message.t === 'result' && event.message.requestId === requestId) {
          const { frame } = event;
          this.#lastRunMs = event.message.runMs;
          if (frame.bodyTruncated || frame.bodyLength > MAX_RESPONSE_BYTES) {
            finish(tooLarge(MAX_RESPONSE_BYTES));
          } else if (sink === undefined) {
            finish({ kind: 'success', payload: Buffer.from(frame.body) });
          } else {
            // A non-streaming handler invoked for a stream: its whole payload is one chunk.
            new StreamRelay(sink, () => undefined).whole(Buffer.from(frame.body));
            finish({ kind: 'success', payload: Buffer.alloc(0) });
          }
        } else if (event.message.t === 'chunk' && event.message.requestId === requestId) {
          relay ??= new StreamRelay(sink, (bytes) => this.#sandbox.send({ t: 'stream-ack', requestId, bytes }));
          if (!relay.chunk(event.frame, event.message.contentType)) {
            // The handler is still writing: stop it (the instance is discarded, as after a timeout).
            exiting = true;
            finish(tooLarge(relay.limit));
          }
        } else if (event.message.t === 'stream-end' && event.message.requestId === requestId) {
          relay ??= new StreamRelay(sink, () => undefined);
          finish({ kind: 'success', payload: relay.end(event.message.contentType) });
        } else if (event.message.t === 'error' && event.message.requestId === requestId) {
          // An uncaught exception / unhandled rejection: the runtime exits after reporting it.
          exiting = event.message.exiting === true;
          finish({ kind: 'error', cause: 'handler', error: event.message.error });
        }
      };
      if (!sent) this.#sendInvoke(input);
    });
    if (settled !== undefined) return settled;
    if (exiting) this.#sandbox.kill('requested');
    await this.#sandbox.exited; // its last output lines belong to this invocation
    this.#state = 'dead';
    this.#dropQueued();
    return outcome(result);
  }

  async dispose(): Promise<void> {
    this.#state = 'dead';
    await this.#sandbox.dispose();
  }

  async #init(options: InstanceOptions): Promise<void> {
    const sandbox = this.#sandbox;
    const spec = this.#spec;
    const t0 = performance.now();
    await sandbox.assign({ codeDir: spec.codeDir, layerDirs: spec.layerDirs, memoryMb: spec.memoryMb, tmpMb: spec.ephemeralStorageMb, instanceId: this.id, network: spec.network });
    const env = functionEnvironment(spec, {
      logStream: this.logStream, initType: options.initType ?? 'on-demand', taskRoot: sandbox.taskRoot, tmpDir: sandbox.tmpDir, awsEndpoint: options.awsEndpoint,
      optDir: sandbox.optDir, credentials: options.credentials,
    });
    if (sandbox.tmpDir !== '/tmp') env['TMPDIR'] = sandbox.tmpDir;
    const limitMs = options.initTimeoutMs ?? INIT_TIMEOUT_MS;
    const bootstrap = runtimeBootstrap(spec.runtime, sandbox.taskRoot, sandbox.languagesDir);
    this.#takesQueue = bootstrap === undefined;
    const failure = await new Promise<((requestId: string) => Failure) | undefined>((resolve) => {
      const timer = setTimeout(() => this.#waiter?.({ kind: 'timeout' }), limitMs);
      const finish = (f: ((requestId: string) => Failure) | undefined): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(f);
      };
      this.#waiter = (event) => {
        if (event.kind === 'timeout') {
          sandbox.kill('init-timeout');
          finish((id) => ({
            cause: 'init',
            error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after ${(limitMs / 1000).toFixed(2)} seconds`, trace: [] },
          }));
        } else if (event.kind === 'exit') {
          finish((id) => {
            const f = exitFailure(id, event.exit, spec.timeoutSec);
            return f.cause === 'out-of-memory' ? f : { ...f, cause: 'init' };
          });
        } else if (event.message.t === 'init-ok') {
          finish(undefined);
        } else if (event.message.t === 'init-error') {
          const { error } = event.message;
          finish(() => ({ cause: 'init', error }));
        }
      };
      sandbox.send({
        t: 'init',
        function: {
          name: spec.name, version: spec.version, handler: spec.handler, taskRoot: sandbox.taskRoot, memoryMb: spec.memoryMb,
          timeoutSec: spec.timeoutSec, logGroup: spec.logGroup, logStream: this.logStream, env, initType: options.initType ?? 'on-demand',
          ...(bootstrap !== undefined ? { bootstrap } : {}),
        },
      });
    });
    sandbox.limitCpu();
    // Provisioned instances are made before any traffic: their first REPORT has no Init Duration, as on Lambda.
    this.#initDurationMs = options.initType === 'provisioned-concurrency' ? undefined : performance.now() - t0;
    this.#initFailure = failure;
    if (!failure && !this.#exit) this.#state = 'idle';
  }

  #onMessage(message: GuestMessage, frame: FrameBody): void {
    if (message.t === 'log') this.#addLine(this.#now(), frame.body.toString('utf8'));
    else if (message.t === 'cancelled') this.#dropTakenBack(message.requestId);
    else this.#waiter?.({ kind: 'message', message, frame });
  }

  /**
   * A queued call the guest skipped (takeBackQueued): it never ran. The guest answers `cancelled`
   * only for a call it has not begun, before the result of the call running then, so the call
   * is always still queued here.
   */
  #dropTakenBack(requestId: string): void {
    const index = this.#queued.findIndex((call) => call.input.requestId === requestId);
    if (index === -1) return;
    const [call] = this.#queued.splice(index, 1);
    call?.reject(new InvocationNotStarted(`call ${requestId} was taken back from instance ${this.id} before it began`));
  }

  #addLine(timestamp: number, text: string): void {
    if (this.#lines.length >= MAX_LINES || this.#lineBytes + text.length > MAX_LINE_BYTES_TOTAL) {
      if (!this.#linesCut) {
        this.#linesCut = true;
        this.#lines.push({ timestamp, text: `[nimbus] log output of this invocation cut after ${this.#lines.length} lines` });
      }
      return;
    }
    this.#lineBytes += text.length;
    this.#lines.push({ timestamp, text });
  }

  #noteThrottling(): void {
    const count = this.#sandbox.cpuThrottleCount();
    if (count !== undefined && this.#throttleCount !== undefined && count > this.#throttleCount) this.#throttledAt = performance.now();
    this.#throttleCount = count;
  }

  #takeLines(): LogLine[] {
    const lines = this.#lines;
    this.#lines = [];
    this.#lineBytes = 0;
    this.#linesCut = false;
    return lines;
  }
}
