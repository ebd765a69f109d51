// Dashboard session cookies: a token made for a key verifies back to that key and account
// for 12 hours under the same platform secret, and nothing else verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SESSION_COOKIE, clearedSessionCookie, createSession, sessionCookie, verifySession,
} from '../../src/auth/session.js';
import type { AccessKeyRecord } from '../../src/store/access-key-ports.js';

const KEY: AccessKeyRecord = {
  accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'x'.repeat(40), account: '123456789012',
  description: '', status: 'Active', createdAt: 0, lastUsedAt: undefined,
};
const SECRET = 'a'.repeat(64);
const NOW = 1_800_000_000_000;
const HOURS = 3_600_000;

const cookie = (value: string): string => `theme=dark; ${SESSION_COOKIE}=${value}; other=1`;

test('a session verifies to its key and account until 12 hours have passed', () => {
  const token = createSession(KEY, SECRET, NOW);
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(verifySession(cookie(token), SECRET, NOW), { accessKeyId: KEY.accessKeyId, account: KEY.account });
  assert.deepEqual(verifySession(`${SESSION_COOKIE}=${token}`, SECRET, NOW + 12 * HOURS - 1), { accessKeyId: KEY.accessKeyId, account: KEY.account });
  assert.equal(verifySession(cookie(token), SECRET, NOW + 12 * HOURS), undefined);
});

test('a token MAC\'d under another secret is refused', () => {
  assert.equal(verifySession(cookie(createSession(KEY, 'b'.repeat(64), NOW)), SECRET, NOW), undefined);
});

test('a tampered token is refused: other account, other key, longer expiry, changed MAC', () => {
  const token = createSession(KEY, SECRET, NOW);
  const [payload = '', mac = ''] = token.split('.');
  const decoded = Buffer.from(payload, 'base64url').toString();
  const forged = (text: string): string => `${Buffer.from(text).toString('base64url')}.${mac}`;
  assert.equal(verifySession(cookie(forged(decoded.replace('123456789012', '210987654321'))), SECRET, NOW), undefined);
  assert.equal(verifySession(cookie(forged(decoded.replace('AKIAABCDEFGHIJKLMNOP', 'AKIAZZZZZZZZZZZZZZZZ'))), SECRET, NOW), undefined);
  assert.equal(verifySession(cookie(forged(decoded.replace(/\d+$/, String(NOW + 1000 * HOURS)))), SECRET, NOW + 13 * HOURS), undefined);
  const flipped = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
  assert.equal(verifySession(cookie(`${payload}.${flipped}`), SECRET, NOW), undefined);
  assert.equal(verifySession(cookie(`${payload}.${mac.slice(0, -2)}`), SECRET, NOW), undefined);
});

test('no cookie, another cookie, or garbage is no session', () => {
  assert.equal(verifySession(undefined, SECRET, NOW), undefined);
  assert.equal(verifySession('', SECRET, NOW), undefined);
  assert.equal(verifySession(`x${SESSION_COOKIE}=${createSession(KEY, SECRET, NOW)}`, SECRET, NOW), undefined);
  assert.equal(verifySession(`${SESSION_COOKIE}=not-a-token`, SECRET, NOW), undefined);
  assert.equal(verifySession(`${SESSION_COOKIE}=.`, SECRET, NOW), undefined);
});

test('the cookie is HttpOnly, SameSite=Strict, Path=/, 12 h; Secure only over https; logout clears it', () => {
  assert.equal(sessionCookie('T', false), `${SESSION_COOKIE}=T; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict`);
  assert.equal(sessionCookie('T', true), `${SESSION_COOKIE}=T; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict; Secure`);
  assert.equal(clearedSessionCookie(false), `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
});
