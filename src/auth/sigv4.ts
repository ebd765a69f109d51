// Checks a request's SigV4 signature (Authorization header form) by signing the received
// request again with @smithy/signature-v4 — the SDK's own signer, so canonicalisation is
// the SDK's — and comparing in constant time. verifyHeaderSignature is the check itself,
// with the key looked up by the caller (src/auth/authenticator.ts: the store's keys,
// functions' derived keys, iamCredentials); SigV4Verifier is it over a fixed key list.
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

/** Why a signature was refused; each API names these in its own error codes. */
export type SignatureFailure = 'unsigned' | 'malformed' | 'wrong-service' | 'unknown-key' | 'skew' | 'payload' | 'mismatch';

export type HeaderVerdict<K> =
  | { readonly ok: true; readonly accessKeyId: string; readonly region: string; readonly key: K }
  | { readonly ok: false; readonly failure: SignatureFailure; readonly reason: string; readonly accessKeyId?: string; readonly signedAt?: Date };

export interface HeaderCheckOptions<K extends { readonly secret: string }> {
  /** The signing name the request must carry (`lambda`, `s3`…); any region. */
  readonly service: string;
  readonly clock: () => number;
  /** The key of an access key id (with the request's x-amz-security-token), or undefined when unknown. */
  readonly resolve: (accessKeyId: string, sessionToken: string | undefined) => Promise<K | undefined>;
  /** S3 signs the path as sent; every other service escapes it once more (the SDK's uriEscapePath). */
  readonly uriEscapePath?: boolean;
}

/** `Signature expired: <signed> is now earlier than <limit> (<now> - 15 min.)`, as AWS words it. */
export function skewMessage(signedAt: Date, now: number): string {
  const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return signedAt.getTime() < now
    ? `Signature expired: ${stamp(signedAt.getTime())} is now earlier than ${stamp(now - MAX_CLOCK_SKEW_MS)} (${stamp(now)} - 15 min.)`
    : `Signature not yet current: ${stamp(signedAt.getTime())} is still later than ${stamp(now + MAX_CLOCK_SKEW_MS)} (${stamp(now)} + 15 min.)`;
}

function single(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Verifies an Authorization-header signature. `body` is the whole body when it was
 * buffered (its hash is then checked against a declared x-amz-content-sha256, and signed
 * when none is declared); undefined when it streams (S3), where the declared value is
 * what was signed — a hex digest is checked while the body streams (objects/integrity.ts),
 * UNSIGNED-PAYLOAD and STREAMING-* are taken as declared, as S3 does.
 */
export async function verifyHeaderSignature<K extends { readonly secret: string }>(
  req: IncomingMessage, body: Buffer | undefined, options: HeaderCheckOptions<K>,
): Promise<HeaderVerdict<K>> {
  const refuse = (failure: SignatureFailure, reason: string, extra: { accessKeyId?: string; signedAt?: Date } = {}): HeaderVerdict<K> => ({ ok: false, failure, reason, ...extra });
  const auth = single(req, 'authorization');
  if (auth === undefined) return refuse('unsigned', 'the request is not signed (no Authorization header)');
  const m = AUTHORIZATION.exec(auth.trim());
  if (!m) return refuse('malformed', 'the Authorization header is not an AWS4-HMAC-SHA256 signature');
  const [, accessKeyId, scopeDate, region, signedService, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
  if (signedService !== options.service) return refuse('wrong-service', `the signature is for service '${signedService}', not '${options.service}'`, { accessKeyId });
  const key = await options.resolve(accessKeyId, single(req, 'x-amz-security-token'));
  if (key === undefined) return refuse('unknown-key', 'the access key id is not known', { accessKeyId });
  const dateHeader = single(req, 'x-amz-date');
  const signedAt = dateHeader === undefined ? undefined : amzDate(dateHeader);
  if (signedAt === undefined || dateHeader?.slice(0, 8) !== scopeDate) return refuse('malformed', 'X-Amz-Date is missing, malformed, or not the date of the credential scope', { accessKeyId });
  if (Math.abs(options.clock() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) return refuse('skew', 'the signature is more than 15 minutes from the server clock', { accessKeyId, signedAt });
  const signedNames = signedHeaderList.split(';');
  if (!signedNames.includes('host') || !signedNames.includes('x-amz-date')) return refuse('malformed', 'SignedHeaders must include host and x-amz-date', { accessKeyId });
  const contentSha = single(req, 'x-amz-content-sha256');
  if (body !== undefined && contentSha !== undefined && contentSha !== createHash('sha256').update(body).digest('hex')) {
    return refuse('payload', 'X-Amz-Content-Sha256 is not the SHA-256 of the body', { accessKeyId });
  }
  if (body === undefined && contentSha === undefined) return refuse('malformed', 'Missing required header for this request: x-amz-content-sha256', { accessKeyId });

  const wanted = new Set(signedNames);
  const headers = signedHeaderValues(req, wanted);
  const unsignable = new Set<string>();
  if (contentSha !== undefined && !wanted.has('x-amz-content-sha256')) {
    headers['x-amz-content-sha256'] = contentSha; // read as the payload hash, not signed as a header
    unsignable.add('x-amz-content-sha256');
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request: HttpRequest = {
    method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path: q === -1 ? url : url.slice(0, q),
    query: queryOf(q === -1 ? '' : url.slice(q + 1)), headers, body,
  };
  const signer = new SignatureV4({
    service: options.service, region, credentials: { accessKeyId, secretAccessKey: key.secret }, sha256: NodeSha256, applyChecksum: false,
    uriEscapePath: options.uriEscapePath ?? true,
  });
  const signed = await signer.sign(request, { signingDate: signedAt, signingRegion: region, signingService: options.service, signableHeaders: wanted, unsignableHeaders: unsignable });
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  return sameSecret(expected, signature) ? { ok: true, accessKeyId, region, key } : refuse('mismatch', 'the signature does not match', { accessKeyId });
}

/** Constant-time equality of two strings (false when the lengths differ). */
export function sameSecret(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** verifyHeaderSignature over a fixed list of keys (the iamCredentials setting). */
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

  /** The configured secret of an access key id. */
  secretOf(accessKeyId: string): string | undefined {
    return this.#keys.get(accessKeyId);
  }

  /** `service` is the signing name the request must carry (`lambda` for function URLs); any region. */
  async verify(req: IncomingMessage, body: Buffer, service: string): Promise<SigV4Verdict> {
    const verdict = await verifyHeaderSignature(req, body, {
      service, clock: this.#clock,
      resolve: (accessKeyId) => {
        const secret = this.#keys.get(accessKeyId);
        return Promise.resolve(secret === undefined ? undefined : { secret });
      },
    });
    if (verdict.ok) return { ok: true, accessKeyId: verdict.accessKeyId, region: verdict.region };
    return { ok: false, reason: verdict.failure === 'unknown-key' ? 'the access key id is not one of the configured iamCredentials' : verdict.reason };
  }
}
