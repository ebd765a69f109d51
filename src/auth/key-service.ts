// Access keys as the platform uses them: making a key (AKIA id, 40-character secret),
// listing, revoking and deactivating, and the two questions every request asks — do any
// keys exist (enforced mode) and which Active key is this. Answers are cached briefly
// (at most LOOKUP_TTL_MS) so a signed request costs no store read, while a key revoked on
// any cluster node stops working everywhere within that time.
import { randomBytes, randomInt } from 'node:crypto';
import { NimbusError } from '../errors.js';
import type { AccessKeyRecord, AccessKeyRepository, AccessKeyStatus } from '../store/access-key-ports.js';

/** How long a lookup or the keys-exist answer is reused (also how long a revoke may take to bite on another node). */
export const LOOKUP_TTL_MS = 5000;
/** A key's lastUsedAt is written at most this often. */
const TOUCH_INTERVAL_MS = 60_000;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ACCOUNT = /^\d{12}$/;
export const MAX_DESCRIPTION = 256;

export interface KeyServiceDeps {
  readonly keys: AccessKeyRepository;
  /** Epoch ms. */
  readonly clock: () => number;
}

/** What the authenticator needs (see src/auth/authenticator.ts). */
export interface KeyLookup {
  keysExist(): Promise<boolean>;
  lookup(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
}

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

/** AKIA and 16 characters of AWS's key alphabet (upper-case letters and 2-7). */
export function newAccessKeyId(): string {
  let id = 'AKIA';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** 40 characters of base64, as AWS's secrets. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export class KeyService implements KeyLookup {
  private exists: Cached<boolean> | undefined;
  private readonly found = new Map<string, Cached<AccessKeyRecord | undefined>>();
  private readonly touched = new Map<string, number>();
  private secret: Promise<string> | undefined;

  constructor(private readonly deps: KeyServiceDeps) {}

  /** Makes a key for the account; the answer is the only time its secret is shown. */
  async create(account: string, description: string): Promise<AccessKeyRecord> {
    if (!ACCOUNT.test(account)) throw new NimbusError('InvalidParameterValueException', `account: must be 12 digits, got ${JSON.stringify(account)}`);
    if (description.length > MAX_DESCRIPTION) throw new NimbusError('InvalidParameterValueException', `description: must be at most ${MAX_DESCRIPTION} characters`);
    for (;;) {
      const key: AccessKeyRecord = {
        accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey(), account, description, status: 'Active',
        createdAt: this.deps.clock(), lastUsedAt: undefined,
      };
      // 32^16 ids: a collision is astronomically rare, but costs only a retry.
      if (await this.deps.keys.create(key)) {
        this.forget(key.accessKeyId);
        return key;
      }
    }
  }

  /** Keys of one account (every account when undefined), oldest first. */
  list(account: string | undefined): Promise<readonly AccessKeyRecord[]> {
    return this.deps.keys.list(account);
  }

  get(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    return this.deps.keys.get(accessKeyId);
  }

  /** Deletes the key for good; false when there was none. */
  async revoke(accessKeyId: string): Promise<boolean> {
    const deleted = await this.deps.keys.delete(accessKeyId);
    this.forget(accessKeyId);
    return deleted;
  }

  /** Active or Inactive (an Inactive key signs nothing until made Active again); false when there is no such key. */
  async setStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    const changed = await this.deps.keys.setStatus(accessKeyId, status);
    this.forget(accessKeyId);
    return changed;
  }

  deactivate(accessKeyId: string): Promise<boolean> {
    return this.setStatus(accessKeyId, 'Inactive');
  }

  /** Whether any key exists (any status): the platform enforces signatures once one does. */
  async keysExist(): Promise<boolean> {
    const now = this.deps.clock();
    if (this.exists !== undefined && this.exists.until > now) return this.exists.value;
    const value = (await this.deps.keys.count()) > 0;
    this.exists = { value, until: now + LOOKUP_TTL_MS };
    return value;
  }

  /** The key if it exists and is Active; undefined otherwise. */
  async lookup(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const now = this.deps.clock();
    const cached = this.found.get(accessKeyId);
    if (cached !== undefined && cached.until > now) return cached.value;
    const key = await this.deps.keys.get(accessKeyId);
    const value = key?.status === 'Active' ? key : undefined;
    if (this.found.size > 10_000) this.found.clear(); // unknown ids must not grow the cache without bound
    this.found.set(accessKeyId, { value, until: now + LOOKUP_TTL_MS });
    return value;
  }

  /** Notes that the key signed a request (written at most once a minute per key, best effort). */
  recordUse(accessKeyId: string): void {
    const now = this.deps.clock();
    if ((this.touched.get(accessKeyId) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(accessKeyId, now);
    this.deps.keys.touch(accessKeyId, now).catch(() => undefined);
  }

  /** The platform secret (the store makes it once; it never changes, so it is read once). */
  platformSecret(): Promise<string> {
    this.secret ??= this.deps.keys.platformSecret().catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }

  private forget(accessKeyId: string): void {
    this.exists = undefined;
    this.found.delete(accessKeyId);
  }
}
