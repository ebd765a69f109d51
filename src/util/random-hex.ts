// Random hex identifiers for hot paths (trace ids, receipt handles). crypto.randomBytes()
// makes a syscall and a Buffer per call (~15 µs under load); this draws from a pool
// refilled 4 KiB at a time, as crypto.randomUUID() does internally. Same CSPRNG.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` random bytes (at most 4096) as lower-case hex. */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return text;
}
