// The dashboard's sign-in, under /nimbus/v1 (errors in the admin surface's, i.e. Lambda's, shape):
//   POST /nimbus/v1/login  {accessKeyId, secretAccessKey} → 200 {accessKeyId, account} + the session cookie
//   POST /nimbus/v1/logout → 204, the cookie cleared
//   GET  /nimbus/v1/whoami → {mode: 'open'|'enforced', account, accessKeyId?}
// A browser cannot sign requests, so in enforced mode the dashboard logs in once with an
// access key and the API accepts the HttpOnly session cookie instead of a signature.
// Login and logout must stay reachable without credentials (the authenticator's
// PUBLIC_ADMIN lets them through); both demand a JSON content type, which a cross-site
// HTML form cannot send, so another site cannot sign a visitor in or out.
import { createHash, timingSafeEqual } from 'node:crypto';
import { NimbusError } from '../../errors.js';
import { clearedSessionCookie, createSession, sessionCookie, verifySession } from '../../auth/session.js';
import type { KeyService } from '../../auth/key-service.js';
import type { AccessKeyRecord } from '../../store/access-key-ports.js';
import type { ApiRequest, Route } from '../http/types.js';

export interface SessionRoutesDeps {
  /** get reads the store (a login sees a key the moment it exists); lookup may answer from a cache of a few seconds. */
  readonly keys: Pick<KeyService, 'get' | 'lookup' | 'keysExist' | 'platformSecret'>;
  /** Epoch ms. */
  readonly clock: () => number;
}

const REFUSED = 'The access key id or secret is not valid.';

/** Equal-time comparison of two secrets of any length (both hashed first, so lengths do not show). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether the browser reached us over https (a TLS-terminating proxy says so); `nimbus serve` itself speaks plain http. */
function overHttps(req: ApiRequest): boolean {
  return req.headers['x-forwarded-proto'] === 'https';
}

function requireJson(req: ApiRequest): void {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new NimbusError('UnsupportedMediaTypeException', 'Send the request with Content-Type: application/json.');
  }
}

function credentialsOf(body: Buffer): { accessKeyId: string; secretAccessKey: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new NimbusError('InvalidRequestContentException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { accessKeyId, secretAccessKey } = parsed as Record<string, unknown>;
  return typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' ? { accessKeyId, secretAccessKey } : undefined;
}

/** The access key id a SigV4 Authorization header names (the authenticator has checked its signature). */
function signingKeyOf(req: ApiRequest): string | undefined {
  return /\bCredential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

export function sessionRoutes(deps: SessionRoutesDeps): Route[] {
  /** The Active key of a valid session cookie, if the request carries one. */
  const sessionKey = async (req: ApiRequest): Promise<AccessKeyRecord | undefined> => {
    const session = verifySession(req.headers.cookie, await deps.keys.platformSecret(), deps.clock());
    const key = session === undefined ? undefined : await deps.keys.lookup(session.accessKeyId);
    return key !== undefined && key.account === session?.account ? key : undefined;
  };

  return [
    {
      method: 'POST', path: '/nimbus/v1/login', maxBodyBytes: 4096,
      async handle(req) {
        requireJson(req);
        const given = credentialsOf(req.body);
        const key = given === undefined || given.accessKeyId.length > 128 ? undefined : await deps.keys.get(given.accessKeyId);
        // Compare even when there is no such key, so the answer takes as long either way.
        const matches = sameSecret(given?.secretAccessKey ?? '', key?.secretAccessKey ?? '\0no key');
        if (key === undefined || key.status !== 'Active' || !matches) throw new NimbusError('NotAuthorizedException', REFUSED);
        const token = createSession(key, await deps.keys.platformSecret(), deps.clock());
        return {
          status: 200,
          headers: { 'set-cookie': sessionCookie(token, overHttps(req)), 'cache-control': 'no-store' },
          body: { accessKeyId: key.accessKeyId, account: key.account },
        };
      },
    },
    {
      method: 'POST', path: '/nimbus/v1/logout', maxBodyBytes: 4096,
      handle(req) {
        requireJson(req);
        return Promise.resolve({ status: 204, headers: { 'set-cookie': clearedSessionCookie(overHttps(req)) } });
      },
    },
    {
      // Who the dashboard is: in enforced mode only an authenticated request gets here
      // (the authenticator refuses the others), so the page learns it must sign in.
      method: 'GET', path: '/nimbus/v1/whoami', maxBodyBytes: 0,
      async handle(req) {
        if (!(await deps.keys.keysExist())) return { status: 200, body: { mode: 'open', account: req.scope.account } };
        const key = await sessionKey(req);
        if (key !== undefined) return { status: 200, body: { mode: 'enforced', account: key.account, accessKeyId: key.accessKeyId } };
        return { status: 200, body: { mode: 'enforced', account: req.scope.account, accessKeyId: signingKeyOf(req) } };
      },
    },
  ];
}
