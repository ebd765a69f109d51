// What the scheduler needs from an execution environment, and what it hands back.
// The sandbox drivers and the guest protocol stay below this line.
import type { ErrorPayload } from '../protocol/messages.js';

export type InitType = 'on-demand' | 'provisioned-concurrency';

/** A function version as an instance runs it. */
export interface FunctionSpec {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly version: string;
  /** A digest of code and configuration: instances only serve the spec they were made for. */
  readonly specKey: string;
  readonly handler: string;
  readonly runtime: string;
  readonly codeDir: string;
  /** Unpacked trees of the function's layers, in order: stacked at /opt, later ones over earlier ones. */
  readonly layerDirs?: readonly string[] | undefined;
  readonly memoryMb: number;
  readonly timeoutSec: number;
  readonly ephemeralStorageMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logGroup: string;
  readonly logFormat: 'Text' | 'JSON';
  /** `outbound` (function tag `nimbus:network`): the sandbox gets internet access; default none. */
  readonly network?: 'none' | 'outbound' | undefined;
}

export interface InvocationInput {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly clientContext?: string | undefined;
  readonly traceId?: string | undefined;
}

export interface LogLine {
  readonly timestamp: number;
  readonly text: string;
}

export type InvocationResult =
  | { readonly kind: 'success'; readonly payload: Buffer }
  | { readonly kind: 'error'; readonly error: ErrorPayload; readonly cause: 'handler' | 'init' | 'timeout' | 'exit' | 'out-of-memory' | 'response-too-large' };

export interface InstanceOutcome {
  readonly result: InvocationResult;
  /** The function's own lines (console, stdout, stderr), in order. */
  readonly lines: readonly LogLine[];
  readonly startedAt: number;
  readonly durationMs: number;
  /** Only on the first invoke of an instance. */
  readonly initDurationMs: number | undefined;
  readonly maxMemoryUsedMb: number;
}

/** What is known of a response before its first byte. */
export interface ResponseHead {
  /**
   * The content type the function set: `application/octet-stream` by default,
   * `application/vnd.awslambda.http-integration-response` after HttpResponseStream.from,
   * `application/json` for a non-streaming handler's result.
   */
  readonly contentType: string;
  /** False for a non-streaming handler: its whole JSON result follows as one write. */
  readonly streaming: boolean;
}

/**
 * Where a streamed response goes (InvokeWithResponseStream, RESPONSE_STREAM URLs). The
 * instance calls it in order, as bytes arrive from the guest, never after the invocation's
 * outcome resolved; the caller writes its own end (InvokeComplete, the end of an HTTP body)
 * after that.
 */
export interface ResponseSink {
  /**
   * Once, before the first write. Not called when the invocation fails before producing a byte.
   */
  begin(head: ResponseHead): void;
  /**
   * Some bytes. A returned promise is backpressure: the guest may stay at most one window
   * (1 MiB) ahead of its settlement, and its writes wait beyond that. It must settle once the
   * bytes are handed off or the consumer is gone (a client that went away discards, as on
   * Lambda, where a function keeps running when its caller disconnects).
   */
  write(chunk: Buffer): void | Promise<void>;
}

/** One execution environment bound to one function version for life; one request at a time. */
export interface ExecutionInstance {
  readonly id: string;
  readonly logStream: string;
  readonly memoryMb: number;
  /** Host pid of the sandbox's outermost process. */
  readonly pid: number | undefined;
  /** How it was initialised; metering calls a provisioned instance's invocations `provisioned`. */
  readonly initType?: InitType;
  /** False once the sandbox died or was killed (timeout, crash, OOM): never reuse it. */
  readonly alive: boolean;
  /** INIT failed (the first invoke reports it); provisioned concurrency then says FAILED. */
  readonly initFailed?: boolean;
  /**
   * True when invoke() may be called while a call runs (pipelining): the call goes to the
   * guest at once and runs after the ones before it, one at a time. Its promise rejects with
   * InvocationNotStarted if the instance dies before it began (run it elsewhere).
   */
  readonly queues?: boolean;
  /** How long the guest itself spent on the last call that succeeded (ms), when it said: the instance's own time per call. */
  readonly lastRunMs?: number | undefined;
  /**
   * True when the instance recently waited out its CPU share (a small MemorySize under load):
   * it serves at its share's pace, so calls are not queued on it and more instances start.
   */
  readonly cpuThrottled?: boolean;
  /** Takes back the calls queued behind a running one that runs long; they reject with InvocationNotStarted unless they had begun. */
  takeBackQueued?(): void;
  invoke(input: InvocationInput): Promise<InstanceOutcome>;
  /**
   * The same invocation, its response delivered to `sink` as the function writes it (a
   * non-streaming handler's result arrives as one write). The outcome's success payload is
   * then empty; errors (also after some bytes were written) are in its result as for invoke().
   * Streamed responses are limited to 200 MiB (then Function.ResponseSizeTooLarge).
   */
  invokeStream(input: InvocationInput, sink: ResponseSink): Promise<InstanceOutcome>;
  /** Kills the sandbox; idempotent. */
  dispose(): Promise<void>;
}

/**
 * Makes a ready instance of a function: a reserve-pool claim or a fresh spawn, then INIT.
 * An INIT failure does not reject: as in Lambda, the first invoke reports it and the
 * instance is then dead. Rejection means the platform could not start a sandbox.
 */
export interface InstanceFactory {
  /** `provisioned-concurrency`: made ahead of traffic (AWS_LAMBDA_INITIALIZATION_TYPE, no Init Duration reported). */
  create(spec: FunctionSpec, initType?: InitType): Promise<ExecutionInstance>;
  dispose(): Promise<void>;
}

/** A call queued on an instance that died before the call began: it never ran, so it can run on another. */
export class InvocationNotStarted extends Error {
  override readonly name = 'InvocationNotStarted';
}
