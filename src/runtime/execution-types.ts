// What the scheduler needs from an execution environment, and what it hands back.
// The sandbox drivers and the guest protocol stay below this line.
import type { ErrorPayload } from '../protocol/messages.js';

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
  readonly memoryMb: number;
  readonly timeoutSec: number;
  readonly ephemeralStorageMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logGroup: string;
  readonly logFormat: 'Text' | 'JSON';
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

/** One execution environment bound to one function version for life; one request at a time. */
export interface ExecutionInstance {
  readonly id: string;
  readonly logStream: string;
  readonly memoryMb: number;
  /** Host pid of the sandbox's outermost process. */
  readonly pid: number | undefined;
  /** False once the sandbox died or was killed (timeout, crash, OOM): never reuse it. */
  readonly alive: boolean;
  invoke(input: InvocationInput): Promise<InstanceOutcome>;
  /** Kills the sandbox; idempotent. */
  dispose(): Promise<void>;
}

/**
 * Makes a ready instance of a function: a reserve-pool claim or a fresh spawn, then INIT.
 * An INIT failure does not reject: as in Lambda, the first invoke reports it and the
 * instance is then dead. Rejection means the platform could not start a sandbox.
 */
export interface InstanceFactory {
  create(spec: FunctionSpec): Promise<ExecutionInstance>;
  dispose(): Promise<void>;
}
