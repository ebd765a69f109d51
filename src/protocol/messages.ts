// The messages that cross the sandbox boundary (frame headers, discriminated on `t`).
// Payload bytes travel in the frame body, never inside the header JSON:
//   invoke → body = event JSON bytes       result → body = response JSON bytes
//   log    → body = the formatted line (UTF-8), so a large console.log cannot blow the header limit.
//   chunk  → body = bytes a streaming handler wrote (awslambda.streamifyResponse), sent as written.
// Response streaming: the guest sends `chunk` frames while the handler writes, then exactly one
// `stream-end` (or `error`). The host answers with `stream-ack` as it hands bytes on; the guest
// keeps at most STREAM_WINDOW_BYTES unacknowledged, so a slow consumer slows the handler's
// writes (the Writable's backpressure) instead of filling the host's memory.
// The host treats everything from the guest as untrusted (handler code runs in the same
// process as the guest runtime and can write to the socket), hence parseGuestMessage.

/** Lambda's maximum synchronous response payload (lambda-reference.md §2.3). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Longest log line the guest sends; CloudWatch caps an event at 256 KiB. */
export const MAX_LOG_LINE_BYTES = 256 * 1024;
/** Largest header the host accepts from a guest. */
export const MAX_GUEST_HEADER_BYTES = 1024 * 1024;
/** Largest streamed response (lambda-reference §2.4, §7.7): 200 MiB. */
export const MAX_STREAM_RESPONSE_BYTES = 200 * 1024 * 1024;
/** Unacknowledged streamed bytes the guest may have in flight before its writes wait. */
export const STREAM_WINDOW_BYTES = 1024 * 1024;
/** Largest `chunk` body; bigger writes are split (the host's frame decoder caps bodies). */
export const MAX_CHUNK_BYTES = 256 * 1024;
/** Content type of a non-streaming result, and the RIC's default for a stream. */
export const JSON_CONTENT_TYPE = 'application/json';
export const DEFAULT_STREAM_CONTENT_TYPE = 'application/octet-stream';
/** A content type longer than this is a protocol violation. */
const MAX_CONTENT_TYPE_LENGTH = 1024;

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** The error shape the Node RIC posts (`Errors.toRapidResponse`). */
export interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
  /**
   * The error object exactly as a custom runtime posted it to the Runtime API (e.g. Python's
   * {errorMessage, errorType, requestId, stackTrace}); the caller gets it verbatim, as on Lambda.
   */
  readonly raw?: Readonly<Record<string, unknown>>;
}

export type InitType = 'on-demand' | 'provisioned-concurrency';

export interface FunctionInit {
  readonly name: string;
  readonly version: string;
  /** Handler string as configured, e.g. `index.handler` or `src/app.lambda.main`. */
  readonly handler: string;
  /** Code root as the guest sees it: `/var/task` inside bwrap, the slot dir otherwise. */
  readonly taskRoot: string;
  readonly memoryMb: number;
  readonly timeoutSec: number;
  readonly logGroup: string;
  readonly logStream: string;
  /** The complete environment of the function (already merged); the guest sets exactly this. */
  readonly env: Readonly<Record<string, string>>;
  readonly initType: InitType;
  /**
   * A custom runtime (provided.*, python3.*): the argv the guest starts as the function's
   * runtime process, serving it the Lambda Runtime API (guest/runtime-api/). Absent: the
   * built-in Node.js runtime loads `handler` itself.
   */
  readonly bootstrap?: readonly string[];
}

// host → guest

export interface InitMessage {
  readonly t: 'init';
  readonly function: FunctionInit;
}

/**
 * One invocation. The host may send the next ones while one runs (short functions under load,
 * see runtime/instance.ts): the guest runs them one at a time, in order, and each one's
 * deadline starts when it starts.
 */
export interface InvokeMessage {
  readonly t: 'invoke';
  readonly requestId: string;
  /** The function's timeout; the host kills the invocation this long after it started. */
  readonly timeoutMs: number;
  readonly invokedFunctionArn: string;
  /** Client context as JSON text (the decoded `X-Amz-Client-Context`). */
  readonly clientContext?: string;
  /** Cognito identity as JSON text. */
  readonly identity?: string;
  readonly traceId?: string;
}

/** An invocation as the guest runs it: its deadline fixed when it started. */
export interface StartedInvoke extends InvokeMessage {
  /** Epoch ms: the start plus timeoutMs. */
  readonly deadlineMs: number;
}

/** The host handed `bytes` more streamed bytes of `requestId` on (see STREAM_WINDOW_BYTES). */
export interface StreamAckMessage {
  readonly t: 'stream-ack';
  readonly requestId: string;
  readonly bytes: number;
}

/**
 * Take back a queued invocation that has not begun (the one running before it takes long):
 * the guest answers `cancelled` and skips it, or, when it had begun already, runs it as usual.
 */
export interface CancelMessage {
  readonly t: 'cancel';
  readonly requestId: string;
}

export type HostMessage = InitMessage | InvokeMessage | StreamAckMessage | CancelMessage;

// guest → host

/** The runtime is up and waits for `init` (sent before any user code is loaded). */
export interface ReadyMessage {
  readonly t: 'ready';
  /** The guest's pid in its own pid namespace. */
  readonly pid: number;
  readonly node: string;
}

export interface InitOkMessage {
  readonly t: 'init-ok';
  readonly initMs: number;
}

export interface InitErrorMessage {
  readonly t: 'init-error';
  readonly error: ErrorPayload;
}

/** One formatted Lambda log line; the text is the frame body. */
export interface LogMessage {
  readonly t: 'log';
  /** null during INIT (the line itself then says `undefined`, as in the RIC). */
  readonly requestId: string | null;
  readonly level: LogLevel;
}

/** Success; the frame body is the response JSON. */
export interface ResultMessage {
  readonly t: 'result';
  readonly requestId: string;
  /** How long the guest spent on it (ms), its own clock: what an instance takes per call, without the host's delays. */
  readonly runMs?: number;
}

export interface ErrorMessage {
  readonly t: 'error';
  readonly requestId: string;
  readonly error: ErrorPayload;
  /** The runtime exits right after this (uncaught exception / unhandled rejection): do not reuse it. */
  readonly exiting?: boolean;
}

/** Bytes a streaming handler wrote; the frame body. */
export interface ChunkMessage {
  readonly t: 'chunk';
  readonly requestId: string;
  /** On the first chunk only: the content type the function set (setContentType / HttpResponseStream). */
  readonly contentType?: string;
}

/** The streaming handler settled and its stream finished: success. */
export interface StreamEndMessage {
  readonly t: 'stream-end';
  readonly requestId: string;
  /** When no chunk carried it (nothing was written). */
  readonly contentType?: string;
}

/** A queued invocation was taken back before it began (see CancelMessage): it never ran. */
export interface CancelledMessage {
  readonly t: 'cancelled';
  readonly requestId: string;
}

export type GuestMessage = ReadyMessage | InitOkMessage | InitErrorMessage | LogMessage | ResultMessage | ErrorMessage | ChunkMessage | StreamEndMessage | CancelledMessage;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): v is string {
  return typeof v === 'string';
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function parseErrorPayload(v: unknown): ErrorPayload | undefined {
  if (!isObj(v)) return undefined;
  const trace = v['trace'] === undefined ? [] : v['trace'];
  if (!Array.isArray(trace) || !trace.every(str)) return undefined;
  const errorType = v['errorType'];
  const errorMessage = v['errorMessage'];
  if (!str(errorType) || !str(errorMessage)) return undefined;
  const raw = v['raw'];
  if (raw !== undefined && !isObj(raw)) return undefined;
  return raw === undefined ? { errorType, errorMessage, trace } : { errorType, errorMessage, trace, raw };
}

/** Validates a header that came from a guest; undefined means a protocol violation. */
export function parseGuestMessage(header: unknown): GuestMessage | undefined {
  if (!isObj(header)) return undefined;
  switch (header['t']) {
    case 'ready': {
      const pid = header['pid'];
      const node = header['node'];
      return finite(pid) && str(node) ? { t: 'ready', pid, node } : undefined;
    }
    case 'init-ok': {
      const initMs = header['initMs'];
      return finite(initMs) ? { t: 'init-ok', initMs } : undefined;
    }
    case 'init-error': {
      const error = parseErrorPayload(header['error']);
      return error ? { t: 'init-error', error } : undefined;
    }
    case 'log': {
      const requestId = header['requestId'];
      const level = header['level'];
      if (!(requestId === null || str(requestId))) return undefined;
      return LOG_LEVELS.includes(level as LogLevel) ? { t: 'log', requestId, level: level as LogLevel } : undefined;
    }
    case 'result': {
      const requestId = header['requestId'];
      const runMs = header['runMs'];
      if (!str(requestId)) return undefined;
      return finite(runMs) && runMs >= 0 ? { t: 'result', requestId, runMs } : { t: 'result', requestId };
    }
    case 'cancelled': {
      const requestId = header['requestId'];
      return str(requestId) ? { t: 'cancelled', requestId } : undefined;
    }
    case 'error': {
      const requestId = header['requestId'];
      const error = parseErrorPayload(header['error']);
      if (!str(requestId) || !error) return undefined;
      return header['exiting'] === true ? { t: 'error', requestId, error, exiting: true } : { t: 'error', requestId, error };
    }
    case 'chunk':
    case 'stream-end': {
      const t = header['t'] === 'chunk' ? 'chunk' : 'stream-end';
      const requestId = header['requestId'];
      const contentType = header['contentType'];
      if (!str(requestId)) return undefined;
      if (contentType === undefined) return { t, requestId };
      return str(contentType) && contentType.length <= MAX_CONTENT_TYPE_LENGTH ? { t, requestId, contentType } : undefined;
    }
    default:
      return undefined;
  }
}

/** Validates a header from the host (the guest trusts the host; this guards against version skew). */
export function parseHostMessage(header: unknown): HostMessage | undefined {
  if (!isObj(header)) return undefined;
  if (header['t'] === 'init') {
    const fn = header['function'];
    if (!isObj(fn) || !str(fn['handler']) || !str(fn['taskRoot']) || !isObj(fn['env'])) return undefined;
    const bootstrap = fn['bootstrap'];
    if (bootstrap !== undefined && !(Array.isArray(bootstrap) && bootstrap.length > 0 && bootstrap.every(str))) return undefined;
    return header as unknown as InitMessage;
  }
  if (header['t'] === 'invoke') {
    if (!str(header['requestId']) || !finite(header['timeoutMs']) || !str(header['invokedFunctionArn'])) return undefined;
    return header as unknown as InvokeMessage;
  }
  if (header['t'] === 'cancel') return str(header['requestId']) ? (header as unknown as CancelMessage) : undefined;
  if (header['t'] === 'stream-ack') {
    if (!str(header['requestId']) || !finite(header['bytes'])) return undefined;
    return header as unknown as StreamAckMessage;
  }
  return undefined;
}
