// Error shapes exactly as the Node RIC builds them (Errors.js): what crosses to the host
// is { errorType, errorMessage, trace }, and what is logged is toFormatted().
import util from 'node:util';
import type { ErrorPayload } from '../protocol/messages.js';

/** RIC's ExtendedError: name = 'Runtime.' + class name; message = String(reason). */
class RuntimeError extends Error {
  constructor(reason?: unknown) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the RIC passes reason to Error(), which stringifies whatever it is
    super(reason === undefined ? undefined : String(reason));
    this.name = `Runtime.${new.target.name}`;
  }
}
export class ImportModuleError extends RuntimeError {}
export class HandlerNotFound extends RuntimeError {}
export class MalformedHandlerName extends RuntimeError {}
export class UserCodeSyntaxError extends RuntimeError {}
export class MalformedStreamingHandler extends RuntimeError {}
export class InvalidStreamingOperation extends RuntimeError {}
export class UnhandledPromiseRejection extends RuntimeError {
  constructor(reason: string | undefined, readonly promise?: Promise<unknown>) {
    super(reason);
  }
}

interface ErrorLike {
  name: string;
  message: string;
  stack: string;
}

function isErrorLike(v: unknown): v is ErrorLike {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['name'] === 'string' && typeof o['message'] === 'string' && typeof o['stack'] === 'string';
}

const DEL = /\x7F/g;

export function toErrorPayload(error: unknown): ErrorPayload {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      const e = error as Partial<ErrorLike>;
      return {
        errorType: String(e.name ?? 'Error').replace(DEL, '%7F'),
        errorMessage: String(e.message ?? '').replace(DEL, '%7F'),
        trace: typeof e.stack === 'string' ? e.stack.replace(DEL, '%7F').split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

function withEnumerableProperties(value: unknown): unknown {
  if (value instanceof Error) {
    const ret: Record<string, unknown> = { errorType: value.name, errorMessage: value.message, code: (value as { code?: unknown }).code };
    Object.assign(ret, value);
    if (typeof value.stack === 'string') ret['stack'] = value.stack.split('\n');
    return ret;
  }
  return value;
}

/** The text the RIC appends to 'Invoke Error' / 'Uncaught Exception' log lines. */
export function toFormatted(error: unknown): string {
  try {
    return `\t${JSON.stringify(error, (_k, v: unknown) => withEnumerableProperties(v))}`;
  } catch {
    return `\t${JSON.stringify(toErrorPayload(error))}`;
  }
}
