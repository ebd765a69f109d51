// Maps a function's result to an HTTP response by the function URL / HTTP API 2.0 rules
// (lambda-reference §6.1, "Response mapping").

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

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** `payload` is the function's JSON result; `functionError` set when it failed. */
export function mapHttpResponseV2(payload: Buffer, functionError: string | undefined): MappedResponse {
  if (functionError !== undefined) return internalServerError();
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return internalServerError();
  }
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: unknown; multiValueHeaders?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
    const status = Number(r.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) return internalServerError();
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
