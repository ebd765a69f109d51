// Access keys: who may call the platform. A key belongs to one account; requests signed
// with it act in that account only. Secrets are kept because SigV4 verification needs the
// secret itself (an HMAC key), as AWS keeps them; the store is the platform's to protect.
// Every implementation passes test/store/access-key-contract.ts.
export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  /** AKIA + 16 upper-case letters and digits, unique across the platform. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The 12-digit account the key acts in. */
  readonly account: string;
  /** A note for humans (who or what uses the key). */
  readonly description: string;
  readonly status: AccessKeyStatus;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms of the last request it signed, if tracked. */
  readonly lastUsedAt: number | undefined;
}

export interface AccessKeyRepository {
  /** Inserts a key; false when the id is taken. */
  create(key: AccessKeyRecord): Promise<boolean>;
  get(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** Keys of one account (every account when undefined), oldest first. */
  list(account: string | undefined): Promise<readonly AccessKeyRecord[]>;
  /** Sets the status; false when there is no such key. */
  setStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean>;
  /** Deletes the key for good; false when there was none. */
  delete(accessKeyId: string): Promise<boolean>;
  /** How many keys exist (any status): none means the platform runs open on loopback. */
  count(): Promise<number>;
  /** Records use (best effort, may be coarse). */
  touch(accessKeyId: string, at: number): Promise<void>;
  /**
   * The platform's own secret: 32 random bytes (hex) made on first call and kept, the same
   * for every caller and every cluster node (atomic get-or-create). Signs dashboard
   * sessions and derives the credentials functions call the platform with.
   */
  platformSecret(): Promise<string>;
}
