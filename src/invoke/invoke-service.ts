// Synchronous invocation (RequestResponse): resolve the function, admit the call within
// its concurrency limits, run it on an instance, and wrap the function's own log lines
// in START / END / REPORT. Function errors are results, never exceptions: the API layer
// answers them with 200 + X-Amz-Function-Error (lambda-reference §2.2).
import type { FunctionKey } from '../store/records.js';
import type { Clock } from '../util/time.js';
import type { ExecutionInstance, InstanceOutcome, InvocationInput, InvocationResult, LogLine, ResponseSink } from '../runtime/execution-types.js';
import type { RunOptions, Scheduler } from '../runtime/scheduler.js';
import { billedDuration, endLine, logTail, reportLine, startLine } from '../logs/platform-lines.js';
import type { FunctionResolver, ResolvedFunction } from './function-resolver.js';
import { invocationTrace } from './trace-header.js';
import { NimbusError } from '../errors.js';
import type { InvocationEvents, InvocationOutcome, InvocationRecord } from './invocation-events.js';

export interface InvokeRequest {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
  readonly requestId: string;
  readonly payload: Buffer;
  readonly clientContext?: string | undefined;
  /** The caller's X-Amzn-Trace-Id: the invocation continues its chain (else starts one). */
  readonly traceId?: string | undefined;
  readonly trigger: InvocationRecord['trigger'];
  readonly wantLogTail: boolean;
  /** Already resolved by the caller (the async dispatcher), so an alias is not routed a second time. */
  readonly resolved?: ResolvedFunction | undefined;
}

export interface InvokeResponse {
  readonly requestId: string;
  readonly executedVersion: string;
  readonly payload: Buffer;
  readonly functionError: 'Unhandled' | undefined;
  /** base64 of the last 4 KB of the log, when asked for. */
  readonly logResult: string | undefined;
}

/** Where invokeStream() delivers a response (see runtime ResponseSink for the contract). */
export interface InvokeStreamSink {
  /**
   * Once, before the first byte: the function was admitted and began its response.
   * `streaming` false: a non-streaming handler, whose whole JSON result follows as one write.
   */
  begin(info: { readonly executedVersion: string; readonly contentType: string; readonly streaming: boolean }): void;
  /** Bytes in order; a returned promise holds the function's writes back (backpressure). */
  write(chunk: Buffer): void | Promise<void>;
}

export interface InvokeStreamResponse {
  readonly requestId: string;
  readonly executedVersion: string;
  /** The function failed (before or after streaming some bytes); `payload` is what Invoke would return. */
  readonly error: { readonly errorType: string; readonly errorMessage: string; readonly payload: Buffer } | undefined;
  /** base64 of the last 4 KB of the log, when asked for. */
  readonly logResult: string | undefined;
}

export interface InvokeServiceDeps {
  readonly resolver: FunctionResolver;
  readonly scheduler: Scheduler;
  readonly invocations: InvocationEvents;
  readonly clock: Clock;
}

/**
 * Larger events are never queued on a busy instance (scheduler RunOptions.mayQueue): a queued
 * event waits in the guest's memory, and sixteen 6 MB events would not fit a 128 MB function.
 */
const QUEUE_MAX_PAYLOAD_BYTES = 64 * 1024;

type IdentityField = 'key' | 'version' | 'qualifier' | 'architecture' | 'requestId' | 'trigger' | 'logGroup' | 'memorySizeMb' | 'requestBytes';

const OUTCOME_OF_CAUSE = {
  handler: 'function-error', init: 'function-error', timeout: 'timeout', exit: 'crash',
  'out-of-memory': 'out-of-memory', 'response-too-large': 'function-error',
} as const satisfies Record<string, InvocationOutcome>;

/** The error payload as Lambda writes it: RIC errors keep `trace`, platform errors have none. */
function errorPayload(result: Extract<InvocationResult, { kind: 'error' }>): Buffer {
  const { errorType, errorMessage, trace } = result.error;
  if (result.cause === 'response-too-large') return Buffer.from(JSON.stringify({ errorMessage, errorType }));
  if (result.cause === 'handler' || result.cause === 'init') return Buffer.from(JSON.stringify(result.error.raw ?? { errorType, errorMessage, trace }));
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

export class InvokeService {
  readonly #deps: InvokeServiceDeps;

  constructor(deps: InvokeServiceDeps) {
    this.#deps = deps;
  }

  /** DryRun: the function exists, is Active, and the caller may invoke it. */
  async check(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    await this.#deps.resolver.resolve(key, qualifier);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const fn = request.resolved ?? (await this.#deps.resolver.resolve(request.key, request.qualifier));
    return this.#run(request, fn, { mayQueue: request.payload.length <= QUEUE_MAX_PAYLOAD_BYTES }, async (instance) => {
      const outcome = await instance.invoke(this.#input(request, fn.invokedArn));
      const { result } = outcome;
      const payload = result.kind === 'success' ? result.payload : errorPayload(result);
      const lines = this.#record(request, fn, instance, outcome, payload.length);
      return {
        requestId: request.requestId,
        executedVersion: fn.executedVersion,
        payload,
        functionError: result.kind === 'success' ? undefined : 'Unhandled',
        logResult: request.wantLogTail ? logTail(lines) : undefined,
      };
    });
  }

  /**
   * InvokeWithResponseStream and RESPONSE_STREAM function URLs: the same admission, logs
   * and invocation record as invoke(), the response handed to `sink` as the function writes
   * it. Platform errors (not found, throttled) reject before the sink sees anything; function
   * errors, also after some bytes, are in the response.
   */
  async invokeStream(request: InvokeRequest, sink: InvokeStreamSink): Promise<InvokeStreamResponse> {
    const fn = await this.#deps.resolver.resolve(request.key, request.qualifier);
    const { executedVersion } = fn;
    let responseBytes = 0;
    const responseSink: ResponseSink = {
      begin: (head) => sink.begin({ executedVersion, contentType: head.contentType, streaming: head.streaming }),
      write: (chunk) => {
        responseBytes += chunk.length;
        return sink.write(chunk);
      },
    };
    return this.#run(request, fn, {}, async (instance) => {
      const outcome = await instance.invokeStream(this.#input(request, fn.invokedArn), responseSink);
      const lines = this.#record(request, fn, instance, outcome, responseBytes);
      const { result } = outcome;
      return {
        requestId: request.requestId,
        executedVersion,
        error: result.kind === 'success' ? undefined : { errorType: result.error.errorType, errorMessage: result.error.errorMessage, payload: errorPayload(result) },
        logResult: request.wantLogTail ? logTail(lines) : undefined,
      };
    });
  }

  /** Admits and runs; a throttled call is published too (metering counts it, nothing is billed). */
  async #run<T>(request: InvokeRequest, fn: ResolvedFunction, options: RunOptions, work: (instance: ExecutionInstance) => Promise<T>): Promise<T> {
    try {
      return await this.#deps.scheduler.run(fn.spec, { functionId: fn.functionId, reservedConcurrency: fn.record.reservedConcurrency }, work, options);
    } catch (err) {
      if (err instanceof NimbusError && err.code === 'TooManyRequestsException') {
        this.#publish(request, fn, {
          logStream: '', startedAt: this.#deps.clock(), durationMs: 0, billedDurationMs: 0,
          maxMemoryUsedMb: 0, initDurationMs: undefined, startType: 'warm', outcome: 'throttled', responseBytes: 0, lines: [],
        });
      }
      throw err;
    }
  }

  /**
   * One literal with every field in one order: records of one shape keep the subscribers' property
   * reads monomorphic (a spread of the identity fields made a new hidden class per record).
   */
  #publish(request: InvokeRequest, fn: ResolvedFunction, run: Omit<InvocationRecord, IdentityField>): void {
    this.#deps.invocations.publish({
      key: request.key, version: fn.executedVersion, qualifier: request.qualifier, architecture: fn.record.latest.settings.architectures[0] ?? 'x86_64',
      requestId: request.requestId, trigger: request.trigger, logGroup: fn.spec.logGroup, memorySizeMb: fn.spec.memoryMb, requestBytes: request.payload.length,
      logStream: run.logStream, startedAt: run.startedAt, durationMs: run.durationMs, billedDurationMs: run.billedDurationMs,
      maxMemoryUsedMb: run.maxMemoryUsedMb, initDurationMs: run.initDurationMs, startType: run.startType, outcome: run.outcome,
      responseBytes: run.responseBytes, lines: run.lines,
    });
  }

  #input(request: InvokeRequest, invokedFunctionArn: string): InvocationInput {
    return {
      requestId: request.requestId, payload: request.payload, invokedFunctionArn,
      clientContext: request.clientContext, traceId: invocationTrace(request.traceId, this.#deps.clock()),
    };
  }

  /** Wraps the function's lines in START / END / REPORT and publishes the invocation record. */
  #record(request: InvokeRequest, fn: ResolvedFunction, instance: ExecutionInstance, outcome: InstanceOutcome, responseBytes: number): LogLine[] {
    const { spec } = fn;
    const { result } = outcome;
    // Since 2025-08-01 Lambda bills INIT of on-demand functions too (lambda-reference §7.4).
    const billed = billedDuration(outcome.durationMs + (outcome.initDurationMs ?? 0));
    // Never before the function's own last line: the lines' times come from the wall clock at
    // receipt, the duration from the monotonic clock, and logs sort by time (END after the output).
    const end = outcome.lines.reduce((latest, line) => Math.max(latest, line.timestamp), Math.round(outcome.startedAt + outcome.durationMs));
    const lines: LogLine[] = [{ timestamp: outcome.startedAt, text: startLine(request.requestId, fn.executedVersion) }];
    for (const line of outcome.lines) lines.push(line);
    if (result.kind === 'error' && result.cause === 'timeout') {
      lines.push({ timestamp: end, text: `${new Date(end).toISOString()} ${request.requestId} Task timed out after ${spec.timeoutSec.toFixed(2)} seconds` });
    }
    lines.push({ timestamp: end, text: endLine(request.requestId) });
    lines.push({
      timestamp: end,
      text: reportLine(request.requestId, {
        durationMs: outcome.durationMs, billedDurationMs: billed, memorySizeMb: spec.memoryMb,
        maxMemoryUsedMb: outcome.maxMemoryUsedMb, initDurationMs: outcome.initDurationMs,
        status: result.kind === 'error' && result.cause === 'timeout' ? 'timeout' : undefined,
      }),
    });
    const startType = instance.initType === 'provisioned-concurrency' ? 'provisioned' : outcome.initDurationMs === undefined ? 'warm' : 'cold';
    this.#publish(request, fn, {
      logStream: instance.logStream, startedAt: outcome.startedAt, durationMs: outcome.durationMs,
      billedDurationMs: billed, maxMemoryUsedMb: outcome.maxMemoryUsedMb, initDurationMs: outcome.initDurationMs, startType,
      outcome: result.kind === 'success' ? 'success' : OUTCOME_OF_CAUSE[result.cause], responseBytes, lines,
    });
    return lines;
  }
}
