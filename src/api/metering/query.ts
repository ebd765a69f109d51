// Query parameters of the metering admin API, validated with the admin error shape.
// Times are ISO 8601, epoch milliseconds, or a duration back from now (`24h`, `30m`, `7d`).
import { NimbusError } from '../../errors.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DEFAULT_WINDOW_MS = UNIT_MS.d;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,140}$/;

function invalid(message: string): NimbusError {
  return new NimbusError('InvalidParameterValueException', message);
}

export function parseTime(name: string, value: string, now: number): number {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const parsed = /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) throw invalid(`${name}: must be an ISO 8601 time, epoch milliseconds or a duration such as 24h, got '${value}'`);
  return parsed;
}

/** `since`/`until`, default the last 24 hours. */
export function parseWindow(query: URLSearchParams, now: number): { since: number; until: number } {
  const untilText = query.get('until');
  const sinceText = query.get('since');
  const until = untilText === null ? now : parseTime('until', untilText, now);
  const since = sinceText === null ? until - DEFAULT_WINDOW_MS : parseTime('since', sinceText, now);
  if (since >= until) throw invalid('since: must be before until');
  return { since, until };
}

export function parseFunction(query: URLSearchParams): string | undefined {
  const name = query.get('function') ?? undefined;
  if (name !== undefined && !FUNCTION_NAME.test(name)) throw invalid(`function: must be a function name (letters, digits, - and _), got '${name}'`);
  return name;
}

export function parseChoice<T extends string>(query: URLSearchParams, name: string, choices: readonly T[], fallback: T): T {
  const value = query.get(name) ?? fallback;
  if (!(choices as readonly string[]).includes(value)) throw invalid(`${name}: must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

export function parseInteger(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw invalid(`${name}: must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}
