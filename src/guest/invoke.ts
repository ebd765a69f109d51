// One invocation: run the handler in any of its styles and report exactly one outcome.
// Styles (RIC Runtime.js / CallbackContext.js):
//   - returns a promise → its settlement is the outcome (no waiting for the loop);
//   - callback(err, result) → an error is reported at once; a result at once when
//     context.callbackWaitsForEmptyEventLoop is false, else when the loop drains (drain.ts);
//   - context.done/succeed/fail → at once;
//   - returns anything else and never calls back → `null` once the loop drains.
// The first completion wins; later ones are ignored, as in the RIC.
import type { ErrorPayload, FunctionInit, StartedInvoke } from '../protocol/messages.js';
import { buildContext } from './context.js';
import type { LambdaContext } from './context.js';
import { DrainTracker } from './drain.js';
import { toErrorPayload, toFormatted } from './errors.js';
import type { Handler } from './handler.js';

export type InvokeOutcome = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly error: ErrorPayload };

const tracker = new DrainTracker();
/**
 * How long the loop must stay drained before a handler that never called back gets `null`
 * (drain.ts): longer than two CPU periods (20 ms each), since a small MemorySize can spend
 * most of one waiting out its share, which looks like an idle loop from inside.
 */
const NULL_SETTLE_MS = 50;

function serialize(result: unknown): InvokeOutcome {
  let text: string;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    return failure(new Error('Unable to stringify response body'));
  }
  // JSON.stringify of a function or symbol gives undefined; the RIC then posts an empty body.
  // The host enforces the 6 MB response limit (it sees the body length).
  return { ok: true, body: Buffer.from(text ?? '', 'utf8') };
}

function failure(err: unknown): InvokeOutcome {
  console.error('Invoke Error', toFormatted(err));
  return { ok: false, error: toErrorPayload(err) };
}

export function parseEvent(body: Buffer): unknown {
  return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export function runInvoke(fn: FunctionInit, handler: Handler, isAsync: boolean, msg: StartedInvoke, body: Buffer): Promise<InvokeOutcome> {
  return new Promise<InvokeOutcome>((resolve) => {
    let finished = false;
    const finish = (outcome: () => InvokeOutcome): void => {
      if (finished) return;
      finished = true;
      tracker.stop();
      resolve(outcome());
    };
    const done = (err: unknown, result: unknown): void => {
      if (err !== undefined && err !== null) finish(() => failure(err));
      else finish(() => serialize(result));
    };
    let calledBack = false;
    const callback = (err?: unknown, result?: unknown): void => {
      if (finished) return;
      calledBack = true;
      if (err !== undefined && err !== null) return done(err, undefined);
      if (!context.callbackWaitsForEmptyEventLoop) return done(null, result);
      tracker.whenDrained(() => done(null, result));
    };
    const context: LambdaContext = buildContext(fn, msg, { callback, done });

    if (!isAsync) tracker.start();
    let returned: unknown;
    try {
      returned = handler(parseEvent(body), context, callback);
    } catch (err) {
      callback(err);
      return;
    }
    if (isPromiseLike(returned)) {
      returned.then(
        (result) => done(null, result),
        (err: unknown) => done(err === undefined || err === null ? 'handled' : err, undefined),
      );
    } else if (!finished && !calledBack && !isAsync) {
      // Neither a promise nor (yet) a callback: the RIC posts null when the loop drains,
      // unless the callback comes first (callback() replaces this waiter).
      tracker.whenDrained(() => done(null, null), NULL_SETTLE_MS);
    }
  });
}

/** Called from the process-level error handlers while an invocation runs. */
export { failure as invokeFailure };
