// What a custom runtime posts to `/error` and `/init/error`: usually JSON
// {errorMessage, errorType, stackTrace | trace}, but any bytes are accepted (the Node RIC's
// native client omits the error-type header; other clients omit the body's errorType).
import type { ErrorPayload } from '../../protocol/messages.js';

/** Largest posted error object passed through verbatim (it crosses in a frame header). */
const MAX_RAW_BYTES = 256 * 1024;
const VALID_TYPE = /^(Runtime|Function)\.[A-Z][a-zA-Z]+$/;

/** RIE's GetValidRuntimeOrFunctionErrorType, for the header when the body names no type. */
export function normalizeErrorType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return 'Runtime.Unknown';
  if (VALID_TYPE.test(value)) return value;
  return value.startsWith('Function.') ? 'Function.Unknown' : 'Runtime.Unknown';
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `body` undefined: it was too large to keep. */
export function parseRuntimeError(body: Buffer | undefined, typeHeader: string | string[] | undefined): ErrorPayload {
  const obj = body === undefined ? undefined : parseObject(body);
  const headerType = normalizeErrorType(typeHeader);
  if (!obj) {
    return { errorType: headerType, errorMessage: body === undefined ? 'Error body too large' : body.toString('utf8').slice(0, 4096), trace: [] };
  }
  const errorType = typeof obj['errorType'] === 'string' ? obj['errorType'] : headerType;
  const errorMessage = typeof obj['errorMessage'] === 'string' ? obj['errorMessage'] : '';
  const trace = strings(obj['trace']) ?? strings(obj['stackTrace']) ?? [];
  const keepRaw = body !== undefined && body.length <= MAX_RAW_BYTES;
  return keepRaw ? { errorType, errorMessage, trace, raw: obj } : { errorType, errorMessage, trace };
}
