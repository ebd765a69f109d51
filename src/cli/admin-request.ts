// One request to Nimbus's own admin API (/nimbus/v1/…), for the commands that manage what
// the AWS APIs do not cover. Every request is SigV4-signed (service `nimbus`) with the
// credentials the SDK clients use (AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN): an enforcing
// platform checks it, an open one ignores it. Failures become a CliError naming the error
// code and message.
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../auth/sigv4.js';
import { describeApiError } from './client.js';
import { CliError } from './command.js';

/** Where and as whom: the endpoint, the region to sign for, and the credentials (connect() in client.ts). */
export interface AdminTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** The SigV4 service name of the admin API. */
export const ADMIN_SERVICE = 'nimbus';

/** A signed fetch of `/nimbus/v1${pathAndQuery}`; network failures become a CliError. */
export async function adminFetch(target: AdminTarget, method: string, pathAndQuery: string, body?: string): Promise<Response> {
  const url = new URL(`${target.endpoint}/nimbus/v1${pathAndQuery}`);
  const headers: Record<string, string> = { host: url.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signer = new SignatureV4({ service: ADMIN_SERVICE, region: target.region, credentials: target.credentials, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign({
    method, protocol: url.protocol, hostname: url.hostname, port: url.port === '' ? undefined : Number(url.port), path: url.pathname, query, headers,
    body: body ?? '',
  });
  const sent = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
  try {
    return await fetch(url, { method, headers: sent, ...(body === undefined ? {} : { body }) });
  } catch (err) {
    throw new CliError(describeApiError(err, target.endpoint), 1);
  }
}

/** The error line of a refused admin request. */
export function adminError(res: Response, text: string): CliError {
  let parsed: { message?: string; Message?: string } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = { message: text };
  }
  return new CliError(`${res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`}: ${parsed?.message ?? parsed?.Message ?? ''}`, 1);
}

/** `body`: a JSON document as text, or a value to serialise. Resolves with the parsed answer (undefined when empty). */
export async function adminRequest<T>(target: AdminTarget, method: string, urlPath: string, body?: unknown): Promise<T | undefined> {
  const res = await adminFetch(target, method, urlPath, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new CliError(describeApiError(err, target.endpoint), 1);
  }
  if (!res.ok) throw adminError(res, text);
  return text === '' ? undefined : (JSON.parse(text) as T);
}
