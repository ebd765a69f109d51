// Pagination tokens of the Logs API. They are opaque to callers but must be stable:
// the AWS CLI stops with "The same next token was received twice" when a token repeats,
// while GetLogEvents by contract hands back the token it was given at the end of a
// stream (SDK paginators stop on that only with `stopOnSameToken`).
import type { LogPosition } from '../../store/ports.js';
import { invalidParameter, type LogsError } from './errors.js';

const invalidToken = (): LogsError => invalidParameter('The specified nextToken is invalid.');

/** A JSON value as URL-safe base64 (FilterLogEvents and the Describe* listings). */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(token: string, check: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!check(value)) throw invalidToken();
  return value;
}

export function isPosition(value: unknown): value is LogPosition {
  const v = value as Partial<LogPosition> | null;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.timestamp) && Number.isSafeInteger(v.id);
}

export type Direction = 'f' | 'b';

// GetLogEvents tokens look like AWS's: `f/` or `b/` and 56 digits (here a 20-digit
// timestamp and a 36-digit line id).
const STREAM_TOKEN = /^([fb])\/(\d{20})(\d{36})$/;

export function encodeStreamToken(direction: Direction, p: LogPosition): string {
  return `${direction}/${String(Math.max(0, p.timestamp)).padStart(20, '0')}${String(Math.max(0, p.id)).padStart(36, '0')}`;
}

export function decodeStreamToken(token: string): { direction: Direction; position: LogPosition } {
  const match = STREAM_TOKEN.exec(token);
  const position = match ? { timestamp: Number(match[2]), id: Number(match[3]) } : undefined;
  if (!match || !position || !isPosition(position)) throw invalidToken();
  return { direction: match[1] as Direction, position };
}
