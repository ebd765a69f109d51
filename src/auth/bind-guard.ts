// The start-up check that keeps a fresh install from serving the network unauthenticated:
// the API is open (any credentials, unsigned requests) while no access key exists, which
// is only safe on loopback. Binding any other address needs a key in the store,
// iamCredentials, or the explicit escape hatch allowUnauthenticated (which warns).
import { isIPv4 } from 'node:net';
import { NimbusError } from '../errors.js';

export interface BindCheck {
  readonly host: string;
  readonly keysExist: boolean;
  readonly iamCredentials: string;
  readonly allowUnauthenticated: boolean;
}

/** 127.0.0.0/8, ::1 (also spelled out or bracketed) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * Throws ConfigInvalid when the bind would serve the network unauthenticated; returns the
 * warning to print when allowUnauthenticated lets it through, else undefined.
 */
export function checkBind(check: BindCheck): string | undefined {
  if (isLoopbackHost(check.host) || check.keysExist || check.iamCredentials.trim() !== '') return undefined;
  if (!check.allowUnauthenticated) {
    throw new NimbusError('ConfigInvalid',
      `refusing to serve ${check.host} without authentication: no access key exists, so every request would be accepted. `
      + 'Create one first with `nimbus keys create` (on a loopback address, e.g. before this start with --host 127.0.0.1), '
      + 'or pass --allow-unauthenticated to serve anyway');
  }
  return `WARNING: serving ${check.host} WITHOUT AUTHENTICATION (--allow-unauthenticated): anyone who can reach this address `
    + 'can deploy and run code. Create a key with `nimbus keys create` to enforce signatures';
}
