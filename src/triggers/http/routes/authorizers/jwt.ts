// JWT authorizers with API Gateway HTTP API semantics (developerguide
// http-api-jwt-authorizer): the token (optionally `Bearer `-prefixed) from the identity
// source; its signature checked against the issuer's key set (a jwksUri, a local
// jwksFile, or the issuer's OIDC discovery document); then iss, aud (or client_id) against
// the configured audiences, exp, nbf and iat; then the route's scopes. Any failure is 401,
// a missing scope 403. Claims reach the function stringified, as API Gateway passes them.
// JOSE itself is the `jose` library's.
import { stat, readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthorizerRecord } from '../../../../store/records.js';
import type { Clock } from '../../../../util/time.js';
import { authorizerFailed, forbidden, unauthorized, type AuthorizerOutcome } from './outcome.js';

/** Asymmetric algorithms only: API Gateway takes RSA; EC and EdDSA are a harmless superset. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** API Gateway may cache public keys for two hours; an unknown kid refetches sooner (jose's cooldown). */
const KEY_CACHE_MS = 2 * 60 * 60 * 1000;

export interface JwtAuthorizerDeps {
  readonly clock: Clock;
  /** For OIDC discovery; the key sets use jose's own fetch. */
  readonly fetch?: typeof fetch;
}

/** `[a b]` for lists, as API Gateway renders non-string claims (it is written in Go). */
function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimText).join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function scopesOf(payload: JWTPayload): string[] | undefined {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return undefined;
}

function bearer(error: string, description: string): readonly (readonly [string, string])[] {
  return [['www-authenticate', `Bearer error="${error}" error_description="${description.replace(/"/g, "'")}"`]];
}

export class JwtAuthorizer {
  readonly #deps: JwtAuthorizerDeps;
  readonly #remote = new Map<string, JWTVerifyGetKey>();
  readonly #discovered = new Map<string, Promise<string>>();
  readonly #files = new Map<string, { readonly stamp: string; readonly keys: JWTVerifyGetKey }>();

  constructor(deps: JwtAuthorizerDeps) {
    this.#deps = deps;
  }

  /** `identity` is the identity source's value; `scopes` the route's authorizationScopes. */
  async authorize(config: JwtAuthorizerRecord, identity: string | undefined, scopes: readonly string[] | undefined): Promise<AuthorizerOutcome> {
    if (identity === undefined) return unauthorized(`no token in ${config.identitySource}`, [['www-authenticate', 'Bearer']]);
    const token = identity.replace(/^Bearer\s+/i, '');
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.#keySet(config);
    } catch (err) {
      return authorizerFailed(`the key set of issuer ${config.issuer} could not be read: ${(err as Error).message}`);
    }
    const now = this.#deps.clock();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: config.issuer, algorithms: ALGORITHMS, currentDate: new Date(now), requiredClaims: ['exp'] }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || (err instanceof TypeError && !(err instanceof errors.JOSEError))) {
        return authorizerFailed(`the key set of issuer ${config.issuer} could not be fetched: ${err.message}`);
      }
      const why = err instanceof errors.JWTExpired ? 'the token has expired' : err instanceof errors.JOSEError ? err.message : String(err);
      return unauthorized(why, bearer('invalid_token', why));
    }
    if (typeof payload.iat === 'number' && payload.iat * 1000 > now) return unauthorized('iat is in the future', bearer('invalid_token', 'iat is in the future'));
    const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    const audienceOk = audiences.length > 0 ? audiences.some((a) => config.audience.includes(a)) : clientId !== undefined && config.audience.includes(clientId);
    if (!audienceOk) return unauthorized('the token is not for this audience (aud / client_id)', bearer('invalid_token', 'invalid audience'));
    const tokenScopes = scopesOf(payload);
    if (scopes !== undefined && scopes.length > 0 && !scopes.some((s) => tokenScopes?.includes(s))) {
      return forbidden(`the token carries none of the route's scopes (${scopes.join(', ')})`, bearer('insufficient_scope', `requires one of: ${scopes.join(' ')}`));
    }
    const claims = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, claimText(v)]));
    return { kind: 'allow', authorizer: { jwt: { claims, scopes: tokenScopes ?? null } } };
  }

  async #keySet(config: JwtAuthorizerRecord): Promise<JWTVerifyGetKey> {
    if (config.jwksFile !== undefined) return this.#fileKeys(config.jwksFile);
    const uri = config.jwksUri ?? (await this.#discover(config.issuer));
    let keys = this.#remote.get(uri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(uri), { cacheMaxAge: KEY_CACHE_MS, cooldownDuration: 30_000, timeoutDuration: 5_000 });
      this.#remote.set(uri, keys);
    }
    return keys;
  }

  /** A local key set, read again when the file changes (key rotation without a restart). */
  async #fileKeys(file: string): Promise<JWTVerifyGetKey> {
    const info = await stat(file);
    const stamp = `${info.mtimeMs}/${info.size}`;
    const cached = this.#files.get(file);
    if (cached?.stamp === stamp) return cached.keys;
    const keys = createLocalJWKSet(JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet);
    this.#files.set(file, { stamp, keys });
    return keys;
  }

  /** The jwks_uri of the issuer's OpenID configuration, as API Gateway finds it. */
  #discover(issuer: string): Promise<string> {
    let found = this.#discovered.get(issuer);
    if (!found) {
      const doFetch = this.#deps.fetch ?? fetch;
      found = (async () => {
        const res = await doFetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) throw new Error(`OIDC discovery answered HTTP ${res.status}`);
        const doc = (await res.json()) as { jwks_uri?: unknown };
        if (typeof doc.jwks_uri !== 'string') throw new Error('the OIDC discovery document has no jwks_uri');
        return doc.jwks_uri;
      })();
      this.#discovered.set(issuer, found);
      found.catch(() => this.#discovered.delete(issuer));
    }
    return found;
  }
}
