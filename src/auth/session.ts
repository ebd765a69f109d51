// Dashboard sessions: after a login with an access key, the browser holds a cookie that
// names the key, its account and an expiry, MAC'd with the platform secret, so any node
// of a cluster can check it without a session table. verifySession checks only the MAC
// and the expiry; the authenticator then checks the key is still Active, which is how a
// revoked or deactivated key's sessions stop working.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessKeyRecord } from '../store/access-key-ports.js';

export const SESSION_COOKIE = 'nimbus_session';
/** 12 hours, in seconds (the cookie's Max-Age) — the token's own expiry matches it. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface SessionIdentity {
  readonly accessKeyId: string;
  readonly account: string;
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const ACCOUNT = /^\d{12}$/;
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

/**
 * The MAC of a session payload. The label keeps it apart from every other use of the
 * platform secret (function credentials MAC a bare access key id).
 */
function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`nimbus-dashboard-session\n${payload}`).digest();
}

/** The cookie value for a session of `key` that ends 12 hours after `now` (epoch ms). */
export function createSession(key: AccessKeyRecord, secret: string, now: number): string {
  const payload = `${key.accessKeyId}:${key.account}:${now + SESSION_MAX_AGE_SECONDS * 1000}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(payload, secret).toString('base64url')}`;
}

/** The key and account of the session in a Cookie header, when its MAC holds and it has not expired. */
export function verifySession(cookieHeader: string | undefined, secret: string, now: number): SessionIdentity | undefined {
  const token = TOKEN.exec(cookieValue(cookieHeader, SESSION_COOKIE) ?? '');
  if (!token) return undefined;
  const payload = Buffer.from(token[1] as string, 'base64url').toString();
  const given = Buffer.from(token[2] as string, 'base64url');
  const expected = mac(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [accessKeyId = '', account = '', expires = '', ...rest] = payload.split(':');
  if (rest.length > 0 || !ACCESS_KEY_ID.test(accessKeyId) || !ACCOUNT.test(account) || !/^\d+$/.test(expires)) return undefined;
  if (Number(expires) <= now) return undefined;
  return { accessKeyId, account };
}

/** The Set-Cookie value that starts a session; `secure` when the browser reached us over https. */
export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${SESSION_MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that ends a session. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** One cookie's value from a Cookie header (the first of that name, as browsers send the most specific first). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
