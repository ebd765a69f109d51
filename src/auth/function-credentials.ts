// The credentials a function calls the platform with: an ASIA… access key id, a secret and
// a session token, all derived from the platform secret and the function's account, so
// that no key is stored per function and every cluster node recognises them. The id
// carries the account (base32 of its 12 digits) and a MAC over it: a caller cannot forge
// another account's id, and the secret and token are MACs of the id. A function can
// therefore sign only as its own account, as a Lambda execution role's credentials do.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface FunctionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

const PREFIX = 'ASIA';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ACCOUNT = /^\d{12}$/;
const FUNCTION_KEY_ID = /^ASIA[A-Z2-7]{16}$/;

function mac(platformSecret: string, purpose: string, value: string): Buffer {
  return createHmac('sha256', platformSecret).update(`nimbus-function-${purpose}:${value}`).digest();
}

/** `chars` base32 characters of a non-negative integer below 32^chars. */
function base32OfNumber(value: number, chars: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    text = (BASE32[rest % 32] as string) + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

function base32OfBytes(bytes: Buffer, chars: number): string {
  let text = '';
  for (let i = 0; i < chars; i++) text += BASE32[(bytes[i] as number) % 32] as string;
  return text;
}

function numberOfBase32(text: string): number {
  let value = 0;
  for (const char of text) value = value * 32 + BASE32.indexOf(char);
  return value;
}

function keyIdOf(platformSecret: string, account: string): string {
  // 12 decimal digits fit in 40 bits: 8 base32 characters.
  return `${PREFIX}${base32OfNumber(Number(account), 8)}${base32OfBytes(mac(platformSecret, 'id', account), 8)}`;
}

/** The credentials of functions of `account` (a 12-digit account id). */
export function functionCredentials(platformSecret: string, account: string): FunctionCredentials {
  if (!ACCOUNT.test(account)) throw new Error(`function credentials need a 12-digit account, not '${account}'`);
  const accessKeyId = keyIdOf(platformSecret, account);
  return {
    accessKeyId,
    secretAccessKey: mac(platformSecret, 'secret', accessKeyId).toString('base64url').slice(0, 40),
    sessionToken: mac(platformSecret, 'session', accessKeyId).toString('base64url'),
  };
}

/** Whether an access key id has the shape of a function's (it may still be forged). */
export function looksLikeFunctionKey(accessKeyId: string): boolean {
  return FUNCTION_KEY_ID.test(accessKeyId);
}

/** The account of a genuine function access key id; undefined for any other id. */
export function functionAccountOf(platformSecret: string, accessKeyId: string): string | undefined {
  if (!FUNCTION_KEY_ID.test(accessKeyId)) return undefined;
  const account = String(numberOfBase32(accessKeyId.slice(4, 12))).padStart(12, '0');
  if (!ACCOUNT.test(account)) return undefined;
  const expected = keyIdOf(platformSecret, account);
  return timingSafeEqual(Buffer.from(expected), Buffer.from(accessKeyId)) ? account : undefined;
}
