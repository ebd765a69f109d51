// The Lambda `context` object (RIC InvokeContext.js + CallbackContext.js, lambda-reference.md §4.2).
import type { FunctionInit, StartedInvoke } from '../protocol/messages.js';

export interface Completion {
  /** callback(err, result): a result waits for the loop to drain when callbackWaitsForEmptyEventLoop. */
  callback(err: unknown, result: unknown): void;
  /** done/succeed/fail and promise settlement: always immediate. */
  done(err: unknown, result: unknown): void;
}

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly identity: unknown;
  readonly clientContext: unknown;
  getRemainingTimeInMillis(): number;
  succeed(result?: unknown): void;
  fail(err?: unknown): void;
  done(err?: unknown, result?: unknown): void;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function buildContext(fn: FunctionInit, msg: StartedInvoke, completion: Completion): LambdaContext {
  let waitForEmptyEventLoop = true;
  const deadline = msg.deadlineMs;
  const done = (err?: unknown, result?: unknown): void => completion.done(err, result);
  return {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitForEmptyEventLoop = value;
    },
    succeed: (result?: unknown) => done(null, result),
    fail: (err?: unknown) => done(err === undefined || err === null ? 'handled' : err),
    done,
    functionVersion: fn.version,
    functionName: fn.name,
    memoryLimitInMB: String(fn.memoryMb),
    logGroupName: fn.logGroup,
    logStreamName: fn.logStream,
    clientContext: parseJson(msg.clientContext),
    identity: parseJson(msg.identity),
    invokedFunctionArn: msg.invokedFunctionArn,
    awsRequestId: msg.requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}
