// Maps a function's result to an HTTP response by the function URL / HTTP API 2.0 rules
// (lambda-reference §6.1, "Response mapping").
import http from 'node:http';

export interface MappedResponse {
  readonly status: number;
  /** Name/value pairs; Set-Cookie may repeat. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

const JSON_TYPE: readonly [string, string] = ['content-type', 'application/json'];

export function internalServerError(): MappedResponse {
  return { status: 502, headers: [JSON_TYPE], body: Buffer.from('Internal Server Error') };
}

/** The HTTP API's answer to a failed or malformed function result: 500, where function URLs say 502. */
export function httpApiInternalServerError(): MappedResponse {
  return { status: 500, headers: [JSON_TYPE], body: Buffer.from('{"message":"Internal Server Error"}') };
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/**
 * `payload` is the function's JSON result; `functionError` set when it failed. `failure`
 * answers a failed or malformed result (function URLs' 502 unless told otherwise).
 */
export function mapHttpResponseV2(payload: Buffer, functionError: string | undefined, failure: () => MappedResponse = internalServerError): MappedResponse {
  if (functionError !== undefined) return failure();
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return failure();
  }
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: unknown; multiValueHeaders?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
    const status = Number(r.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) return failure();
    const headers: (readonly [string, string])[] = [];
    if (typeof r.headers === 'object' && r.headers !== null) {
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) headers.push([k.toLowerCase(), stringify(v)]);
    }
    if (typeof r.multiValueHeaders === 'object' && r.multiValueHeaders !== null) {
      for (const [k, values] of Object.entries(r.multiValueHeaders as Record<string, unknown>)) {
        if (Array.isArray(values)) for (const v of values) headers.push([k.toLowerCase(), stringify(v)]);
      }
    }
    if (Array.isArray(r.cookies)) for (const c of r.cookies) headers.push(['set-cookie', stringify(c)]);
    if (!headers.some(([k]) => k === 'content-type')) headers.push(JSON_TYPE);
    const text = r.body === undefined || r.body === null ? '' : stringify(r.body);
    const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
    return { status, headers, body };
  }
  // Anything else is the body: a JSON string unquoted, other JSON re-serialized compactly.
  return { status: 200, headers: [JSON_TYPE], body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result)) };
}

/** A mapped response Node can send; an invalid status or header from the function is its error. */
export function sendableOr(mapped: MappedResponse, failure: () => MappedResponse): MappedResponse {
  if (mapped.status < 200) return failure();
  for (const [name, value] of mapped.headers) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      return failure();
    }
  }
  return mapped;
}
