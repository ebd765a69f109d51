// Who is calling: every request to a signed surface (Lambda, SQS, Logs, S3, the admin API)
// passes here before it is dispatched. Open mode (no access key exists; the server refuses
// to bind beyond loopback then, see config) accepts any request as it always did, the
// account read from a 12-digit access key id. Enforced mode (a key exists) wants a valid
// SigV4 signature by an Active key, a function's derived key (function-credentials.ts),
// an iamCredentials key, or — for the dashboard — a session cookie; the request then acts
// in that key's account, whatever it claims. A refusal names why in neutral terms; each
// surface renders it in its own API's error shape and status.
import type { IncomingMessage } from 'node:http';
import { accountOf, readCredentialScope, type CredentialScope } from './credential-scope.js';
import { sameSecret, skewMessage, verifyHeaderSignature, type SignatureFailure } from './sigv4.js';
import { functionAccountOf, functionCredentials, looksLikeFunctionKey } from './function-credentials.js';
import type { KeyLookup as StoredKeyLookup } from './key-service.js';
import { SESSION_COOKIE, verifySession } from './session.js';

/** Which API a request is for: decides the signing name and who may use a session cookie. */
export type AuthSurface = 'lambda' | 'sqs' | 'logs' | 's3' | 'admin' | 'function-url';

export interface Caller {
  readonly account: string;
  /** The credential scope's region, when the request was signed. */
  readonly region: string | undefined;
  readonly accessKeyId: string | undefined;
  readonly via: 'open' | 'key' | 'function' | 'session';
}

export type RefusalCode = 'MissingAuthentication' | 'UnknownKey' | 'BadSignature' | 'SignatureExpired' | 'Malformed' | 'PayloadMismatch';

export interface Refusal {
  readonly refused: true;
  readonly code: RefusalCode;
  readonly message: string;
  readonly accessKeyId?: string | undefined;
}

/** What the authenticator needs of the key service (src/auth/key-service.ts's KeyService). */
export interface KeyLookup extends StoredKeyLookup {
  /** Notes that a key signed a request (best effort). */
  recordUse?(accessKeyId: string): void;
}

export interface AuthenticatorDeps {
  readonly keys: KeyLookup;
  /** The platform secret (store.accessKeys.platformSecret, read once). */
  readonly platformSecret: () => Promise<string>;
  /** The iamCredentials setting: accepted too, in the account of a 12-digit id or the default. */
  readonly iamCredentials: ReadonlyMap<string, string>;
  readonly defaultAccount: string;
  /** Epoch ms. */
  readonly clock: () => number;
  /**
   * Enforce even while the store holds no key: the platform serves beyond loopback on the
   * strength of iamCredentials (src/auth/bind-guard.ts), so open mode would be open to all.
   */
  readonly enforceWithoutKeys?: boolean;
}

/** A key a signature may be checked with, and what it stands for. */
export interface ResolvedKey {
  readonly secret: string;
  readonly account: string;
  readonly via: 'key' | 'function';
}

/** The outcome of an AWS_IAM function URL's check (api/urls/url-handler.ts). */
export type IamVerdict = { readonly ok: true; readonly accessKeyId: string; readonly account: string } | { readonly ok: false; readonly reason: string };

const SERVICE: Readonly<Record<AuthSurface, string>> = { lambda: 'lambda', sqs: 'sqs', logs: 'logs', s3: 's3', admin: 'nimbus', 'function-url': 'lambda' };
/** Surfaces the dashboard calls with its session cookie. */
const SESSION_SURFACES: ReadonlySet<AuthSurface> = new Set(['lambda', 'admin']);
/**
 * Admin paths that need no credentials: probes, the dashboard's sign-in and sign-out,
 * code downloads (GetFunction's Code.Location: the path is the package's SHA-256, a
 * capability as S3's presigned Location is on AWS), and the external S3 event intake,
 * which checks its own token.
 */
const PUBLIC_ADMIN = /^\/nimbus\/v1\/(?:health|login|logout|code\/[^/]+|s3-events\/[^/]+)\/?$/;

export function isRefusal(verdict: Caller | Refusal): verdict is Refusal {
  return 'refused' in verdict;
}

function refusal(code: RefusalCode, message: string, accessKeyId?: string): Refusal {
  return { refused: true, code, message, accessKeyId };
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const BAD_SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

function single(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export class Authenticator {
  readonly #deps: AuthenticatorDeps;
  #secret: Promise<string> | undefined;

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
  }

  /** Whether signatures are enforced (an access key exists, or the bind demands it). */
  async enforced(): Promise<boolean> {
    return this.#deps.enforceWithoutKeys === true || (await this.#deps.keys.keysExist());
  }

  /**
   * The caller of a request, or why it is refused. `body` is the buffered body (its hash
   * is signed); undefined for S3, whose body streams and whose declared hash is checked
   * while it does. Presigned S3 URLs are checked by the S3 handler with resolve().
   */
  async authenticate(req: IncomingMessage, url: Pick<URL, 'pathname' | 'searchParams'>, surface: AuthSurface, body?: Buffer): Promise<Caller | Refusal> {
    const credential = readCredentialScope(req.headers, url.searchParams);
    if (surface === 'admin' && PUBLIC_ADMIN.test(url.pathname)) return this.#open(credential);
    if (!(await this.enforced())) return this.#open(credential);
    if (single(req, 'authorization') === undefined) {
      if (SESSION_SURFACES.has(surface) && req.headers.cookie?.includes(`${SESSION_COOKIE}=`) === true) return this.#session(req);
      if (credential !== undefined) return refusal('Malformed', 'Presigned URLs are accepted by the S3 API only; sign the Authorization header.');
      return refusal('MissingAuthentication', 'Missing Authentication Token: the request is not signed (no Authorization header).');
    }
    return this.#signed(req, surface, body);
  }

  /** The key an access key id (with the request's session token) signs with, if it is one the platform knows. */
  async resolve(accessKeyId: string, sessionToken: string | undefined): Promise<ResolvedKey | undefined> {
    if (looksLikeFunctionKey(accessKeyId)) {
      const secret = await this.#platformSecret();
      const account = functionAccountOf(secret, accessKeyId);
      if (account === undefined) return undefined;
      const credentials = functionCredentials(secret, account);
      if (sessionToken === undefined || !sameSecret(sessionToken, credentials.sessionToken)) return undefined;
      return { secret: credentials.secretAccessKey, account, via: 'function' };
    }
    const key = await this.#deps.keys.lookup(accessKeyId);
    if (key !== undefined) return { secret: key.secretAccessKey, account: key.account, via: 'key' };
    const configured = this.#deps.iamCredentials.get(accessKeyId);
    if (configured !== undefined) return { secret: configured, account: accountOf({ accessKeyId, region: '', service: '' }, this.#deps.defaultAccount), via: 'key' };
    return undefined;
  }

  /** Whether an AWS_IAM function URL can accept anything: some key exists (stored or configured). */
  async canVerifyIam(): Promise<boolean> {
    return this.#deps.iamCredentials.size > 0 || (await this.enforced());
  }

  /** An AWS_IAM function URL's check: always a signature (for service `lambda`), in both modes. */
  async verifyIam(req: IncomingMessage, body: Buffer): Promise<IamVerdict> {
    const verdict = await verifyHeaderSignature(req, body, { service: 'lambda', clock: this.#deps.clock, resolve: (id, token) => this.resolve(id, token) });
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    this.#used(verdict.key, verdict.accessKeyId);
    return { ok: true, accessKeyId: verdict.accessKeyId, account: verdict.key.account };
  }

  async #signed(req: IncomingMessage, surface: AuthSurface, body: Buffer | undefined): Promise<Caller | Refusal> {
    const verdict = await verifyHeaderSignature(req, body, {
      service: SERVICE[surface], clock: this.#deps.clock, uriEscapePath: surface !== 's3', resolve: (id, token) => this.resolve(id, token),
    });
    if (verdict.ok) {
      this.#used(verdict.key, verdict.accessKeyId);
      return { account: verdict.key.account, region: verdict.region, accessKeyId: verdict.accessKeyId, via: verdict.key.via };
    }
    return refusalOf(verdict.failure, verdict.reason, verdict.accessKeyId, verdict.signedAt, this.#deps.clock());
  }

  async #session(req: IncomingMessage): Promise<Caller | Refusal> {
    const identity = verifySession(req.headers.cookie, await this.#platformSecret(), this.#deps.clock());
    const key = identity === undefined ? undefined : await this.#deps.keys.lookup(identity.accessKeyId);
    if (identity === undefined || key === undefined || key.account !== identity.account) {
      return refusal('UnknownKey', 'The session has expired, or its access key is no longer active; sign in again.');
    }
    return { account: key.account, region: undefined, accessKeyId: key.accessKeyId, via: 'session' };
  }

  async #open(credential: CredentialScope | undefined): Promise<Caller> {
    let account = accountOf(credential, this.#deps.defaultAccount);
    // A function's derived key names its account (its calls land there, as they always did).
    if (credential !== undefined && looksLikeFunctionKey(credential.accessKeyId)) {
      account = functionAccountOf(await this.#platformSecret(), credential.accessKeyId) ?? account;
    }
    return { account, region: credential?.region, accessKeyId: credential?.accessKeyId, via: 'open' };
  }

  #used(key: ResolvedKey, accessKeyId: string): void {
    if (key.via === 'key') this.#deps.keys.recordUse?.(accessKeyId);
  }

  #platformSecret(): Promise<string> {
    this.#secret ??= this.#deps.platformSecret().catch((err: unknown) => {
      this.#secret = undefined;
      throw err;
    });
    return this.#secret;
  }
}

function refusalOf(failure: SignatureFailure, reason: string, accessKeyId: string | undefined, signedAt: Date | undefined, now: number): Refusal {
  switch (failure) {
    case 'unsigned':
      return refusal('MissingAuthentication', 'Missing Authentication Token', accessKeyId);
    case 'unknown-key':
      return refusal('UnknownKey', INVALID_TOKEN, accessKeyId);
    case 'skew':
      return refusal('SignatureExpired', signedAt === undefined ? reason : skewMessage(signedAt, now), accessKeyId);
    case 'payload':
      return refusal('PayloadMismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", accessKeyId);
    case 'mismatch':
      return refusal('BadSignature', BAD_SIGNATURE, accessKeyId);
    case 'wrong-service':
    case 'malformed':
      return refusal('Malformed', `${reason[0]?.toUpperCase() ?? ''}${reason.slice(1)}.`, accessKeyId);
  }
}
