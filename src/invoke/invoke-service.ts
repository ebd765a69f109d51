// Synchronous invocation (RequestResponse): resolve the function, admit the call within
// its concurrency limits, run it on an instance, and wrap the function's own log lines
// in START / END / REPORT. Function errors are results, never exceptions: the API layer
// answers them with 200 + X-Amz-Function-Error (lambda-reference §2.2).
import type { FunctionKey } from '../store/records.js';
import type { Clock } from '../util/time.js';
import type { InvocationResult, LogLine } from '../runtime/execution-types.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { billedDuration, endLine, logTail, reportLine, startLine } from '../logs/platform-lines.js';
import type { FunctionResolver } from './function-resolver.js';
import type { InvocationEvents, InvocationOutcome, InvocationRecord } from './invocation-events.js';

export interface InvokeRequest {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
  readonly requestId: string;
  readonly payload: Buffer;
  readonly clientContext?: string | undefined;
  readonly traceId?: string | undefined;
  readonly trigger: InvocationRecord['trigger'];
  readonly wantLogTail: boolean;
}

export interface InvokeResponse {
  readonly requestId: string;
  readonly executedVersion: string;
  readonly payload: Buffer;
  readonly functionError: 'Unhandled' | undefined;
  /** base64 of the last 4 KB of the log, when asked for. */
  readonly logResult: string | undefined;
}

export interface InvokeServiceDeps {
  readonly resolver: FunctionResolver;
  readonly scheduler: Scheduler;
  readonly invocations: InvocationEvents;
  readonly clock: Clock;
}

const OUTCOME_OF_CAUSE = {
  handler: 'function-error', init: 'function-error', timeout: 'timeout', exit: 'crash',
  'out-of-memory': 'out-of-memory', 'response-too-large': 'function-error',
} as const satisfies Record<string, InvocationOutcome>;

/** The error payload as Lambda writes it: RIC errors keep `trace`, platform errors have none. */
function errorPayload(result: Extract<InvocationResult, { kind: 'error' }>): Buffer {
  const { errorType, errorMessage, trace } = result.error;
  if (result.cause === 'response-too-large') return Buffer.from(JSON.stringify({ errorMessage, errorType }));
  if (result.cause === 'handler' || result.cause === 'init') return Buffer.from(JSON.stringify({ errorType, errorMessage, trace }));
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
    const fn = await this.#deps.resolver.resolve(request.key, request.qualifier);
    const { spec } = fn;
    return this.#deps.scheduler.run(spec, { functionId: fn.functionId, reservedConcurrency: fn.record.reservedConcurrency }, async (instance) => {
      const outcome = await instance.invoke({
        requestId: request.requestId, payload: request.payload, invokedFunctionArn: fn.invokedArn,
        clientContext: request.clientContext, traceId: request.traceId,
      });
      const { result } = outcome;
      const billed = billedDuration(outcome.durationMs);
      const end = Math.round(outcome.startedAt + outcome.durationMs);
      const lines: LogLine[] = [{ timestamp: outcome.startedAt, text: startLine(request.requestId, fn.executedVersion) }, ...outcome.lines];
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
      this.#deps.invocations.publish({
        key: request.key, version: fn.executedVersion, requestId: request.requestId, trigger: request.trigger,
        logGroup: spec.logGroup, logStream: instance.logStream, startedAt: outcome.startedAt, durationMs: outcome.durationMs,
        billedDurationMs: billed, memorySizeMb: spec.memoryMb, maxMemoryUsedMb: outcome.maxMemoryUsedMb,
        initDurationMs: outcome.initDurationMs, outcome: result.kind === 'success' ? 'success' : OUTCOME_OF_CAUSE[result.cause], lines,
      });
      return {
        requestId: request.requestId,
        executedVersion: fn.executedVersion,
        payload: result.kind === 'success' ? result.payload : errorPayload(result),
        functionError: result.kind === 'success' ? undefined : 'Unhandled',
        logResult: request.wantLogTail ? logTail(lines) : undefined,
      };
    });
  }
}
