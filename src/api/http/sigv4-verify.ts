// Checks a request's SigV4 signature (Authorization header form) against configured keys,
// by signing the received request again with @smithy/signature-v4 — the SDK's own
// signer, so canonicalisation is the SDK's — and comparing in constant time. Used for
// AuthType AWS_IAM function URLs; the rest of the API does not check signatures.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

/** The signer's request shape (its last `sign` overload), without depending on @smithy/types. */
type HttpRequest = Parameters<SignatureV4['sign']>[0];
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** Requests signed more than this far from the platform's clock are refused (as AWS does). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/;

export type SigV4Verdict =
  | { readonly ok: true; readonly accessKeyId: string; readonly region: string }
  | { readonly ok: false; readonly reason: string };

/** The `AKID:SECRET[,AKID2:SECRET2]` form of the iamCredentials setting. */
export function parseCredentialList(text: string): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const colon = entry.indexOf(':');
    if (colon < 1 || colon === entry.length - 1) throw new Error(`'${entry.split(':')[0] ?? ''}:…' is not AKID:SECRET`);
    keys.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  return keys;
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (and HMAC-SHA256 with a secret) from node:crypto, in the signer's Checksum shape. */
export class NodeSha256 {
  readonly #secret: Buffer | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : toBuffer(secret);
    this.#hash = this.#fresh();
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
}

export function amzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Query parameters as the signer wants them: decoded, repeated names as arrays. */
export function queryOf(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const decode = (t: string): string => {
      try {
        return decodeURIComponent(t);
      } catch {
        return t;
      }
    };
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const had = query[key];
    query[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return query;
}

/** The signed headers as sent (repeated ones joined with ',', as SigV4 canonicalises them). */
export function signedHeaderValues(req: IncomingMessage, wanted: ReadonlySet<string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    if (!wanted.has(name)) continue;
    const value = (req.rawHeaders[i + 1] as string).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

export class SigV4Verifier {
  readonly #keys: ReadonlyMap<string, string>;
  readonly #clock: () => number;

  constructor(keys: ReadonlyMap<string, string>, clock: () => number) {
    this.#keys = keys;
    this.#clock = clock;
  }

  get hasKeys(): boolean {
    return this.#keys.size > 0;
  }

  /** `service` is the signing name the request must carry (`lambda` for function URLs); any region. */
  async verify(req: IncomingMessage, body: Buffer, service: string): Promise<SigV4Verdict> {
    const refuse = (reason: string): SigV4Verdict => ({ ok: false, reason });
    const auth = req.headers.authorization;
    if (auth === undefined) return refuse('the request is not signed (no Authorization header)');
    const m = AUTHORIZATION.exec(auth.trim());
    if (!m) return refuse('the Authorization header is not an AWS4-HMAC-SHA256 signature');
    const [, accessKeyId, scopeDate, region, signedService, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
    if (signedService !== service) return refuse(`the signature is for service '${signedService}', not '${service}'`);
    const secret = this.#keys.get(accessKeyId);
    if (secret === undefined) return refuse('the access key id is not one of the configured iamCredentials');
    const dateHeader = req.headers['x-amz-date'];
    const signedAt = typeof dateHeader === 'string' ? amzDate(dateHeader) : undefined;
    if (signedAt === undefined || dateHeader?.slice(0, 8) !== scopeDate) return refuse('X-Amz-Date is missing, malformed, or not the date of the credential scope');
    if (Math.abs(this.#clock() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) return refuse('the signature is more than 15 minutes from the server clock');
    const signedNames = signedHeaderList.split(';');
    if (!signedNames.includes('host') || !signedNames.includes('x-amz-date')) return refuse('SignedHeaders must include host and x-amz-date');
    const contentSha = req.headers['x-amz-content-sha256'];
    if (contentSha !== undefined && contentSha !== createHash('sha256').update(body).digest('hex')) {
      return refuse('X-Amz-Content-Sha256 is not the SHA-256 of the body');
    }

    const wanted = new Set(signedNames);
    const headers = signedHeaderValues(req, wanted);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const request: HttpRequest = {
      method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path: q === -1 ? url : url.slice(0, q),
      query: queryOf(q === -1 ? '' : url.slice(q + 1)), headers, body,
    };
    const signer = new SignatureV4({ service, region, credentials: { accessKeyId, secretAccessKey: secret }, sha256: NodeSha256, applyChecksum: false });
    const signed = await signer.sign(request, { signingDate: signedAt, signingRegion: region, signingService: service, signableHeaders: wanted });
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
    const same = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
    return same ? { ok: true, accessKeyId, region } : refuse('the signature does not match');
  }
}
