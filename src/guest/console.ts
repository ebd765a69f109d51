// console.* as the RIC's LogPatch formats it, sent to the host as `log` frames (so the
// order against the result is exact). Text format:
//   `${ISO time}\t${requestId}\t${LEVEL}\t${util.format(...)}`
// with the literal request id 'undefined' during INIT. AWS_LAMBDA_LOG_FORMAT=JSON and
// AWS_LAMBDA_LOG_LEVEL are honoured (read at INIT, as the RIC reads them at start-up).
import util from 'node:util';
import { MAX_LOG_LINE_BYTES } from '../protocol/messages.js';
import type { LogLevel } from '../protocol/messages.js';
import type { HostConnection } from './io.js';

const PRIORITY: Record<LogLevel, number> = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

export interface LogState {
  /** Request id of the current (or last) invocation; undefined during INIT. */
  requestId: string | undefined;
}

interface Settings {
  json: boolean;
  minPriority: number;
}

const settings: Settings = { json: false, minPriority: 0 };

/** Re-reads AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL (called after the env is set at INIT). */
export function configureLogging(env: NodeJS.ProcessEnv): void {
  settings.json = env['AWS_LAMBDA_LOG_FORMAT']?.toUpperCase() === 'JSON';
  const level = env['AWS_LAMBDA_LOG_LEVEL']?.toUpperCase() as LogLevel | undefined;
  // As in the RIC, the level filter applies to the JSON format only.
  settings.minPriority = settings.json && level !== undefined && level in PRIORITY ? PRIORITY[level] : 0;
}

function truncate(text: string): string {
  if (text.length * 3 <= MAX_LOG_LINE_BYTES) return text;
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= MAX_LOG_LINE_BYTES ? text : buf.subarray(0, MAX_LOG_LINE_BYTES).toString('utf8');
}

function jsonLine(time: string, level: LogLevel, requestId: string, args: unknown[]): string {
  const record: Record<string, unknown> = { timestamp: time, level, requestId };
  const [first] = args;
  if (args.length === 1 && first instanceof Error) {
    record['message'] = first.message;
    record['errorType'] = first.name;
    record['errorMessage'] = first.message;
    record['stackTrace'] = typeof first.stack === 'string' ? first.stack.split('\n') : [];
  } else if (args.length === 1 && typeof first === 'object' && first !== null) {
    record['message'] = first;
  } else {
    record['message'] = util.format(...args);
  }
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ timestamp: time, level, requestId, message: util.format(...args) });
  }
}

export function formatLogLine(level: LogLevel, requestId: string | undefined, args: unknown[]): string {
  const time = new Date().toISOString();
  const id = String(requestId);
  return settings.json ? jsonLine(time, level, id, args) : `${time}\t${id}\t${level}\t${util.format(...args)}`;
}

export function patchConsole(conn: HostConnection, state: LogState): void {
  const emit = (level: LogLevel) => (...args: unknown[]): void => {
    if (PRIORITY[level] < settings.minPriority) return;
    const line = truncate(formatLogLine(level, state.requestId, args));
    conn.send({ t: 'log', requestId: state.requestId ?? null, level }, line);
  };
  console.trace = emit('TRACE');
  console.debug = emit('DEBUG');
  console.info = emit('INFO');
  console.log = emit('INFO');
  console.warn = emit('WARN');
  console.error = emit('ERROR');
  (console as Console & { fatal?: (...args: unknown[]) => void }).fatal = emit('FATAL');
}
