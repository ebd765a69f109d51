// ListObjects(V2) over a sorted key scan. With a delimiter, keys that contain it after
// the prefix roll up into one common prefix each; the scan then jumps past the whole
// group (keyCeiling) instead of reading its keys, so a prefix with a million keys below
// it costs one seek. Entries (keys and common prefixes) count together toward max-keys.
// A listing continues strictly after its marker: a common prefix the marker lies in was
// already returned, so it is skipped.
import { keyCeiling } from './key-order.js';

export interface ListRequest {
  readonly prefix: string;
  readonly delimiter: string | undefined;
  /** Continue after this key or common prefix (marker, start-after, continuation token). */
  readonly marker: string | undefined;
  readonly maxKeys: number;
}

export interface Listed<T> {
  readonly items: readonly T[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned: where the next page continues. */
  readonly last: string | undefined;
}

export interface ScanFrom {
  readonly after?: string | undefined;
  readonly atLeast?: string | undefined;
}

/** Reads up to `limit` items in key order from a position (the store's scan). */
export type KeyScanner<T> = (from: ScanFrom, limit: number) => Promise<readonly T[]>;

/** Rows read per scan: enough for a page, bounded so a huge max-keys cannot read the world. */
const SCAN_BATCH = 1001;

export async function listKeys<T>(scan: KeyScanner<T>, keyOf: (item: T) => string, request: ListRequest): Promise<Listed<T>> {
  const { prefix, delimiter, marker, maxKeys } = request;
  const items: T[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let from: ScanFrom = { after: marker };
  const full = (): boolean => items.length + commonPrefixes.length >= maxKeys;
  if (maxKeys === 0) return { items, commonPrefixes, truncated: false, last }; // as S3 answers max-keys=0
  for (;;) {
    // One more than the page needs, to tell a full page from a truncated one.
    const limit = Math.min(SCAN_BATCH, maxKeys - items.length - commonPrefixes.length + 1);
    const batch = await scan(from, limit);
    let jumped = false;
    for (const item of batch) {
      const key = keyOf(item);
      const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (delimiter && at !== -1) {
        const common = key.slice(0, at + delimiter.length);
        const returnedBefore = marker?.startsWith(common) ?? false;
        if (!returnedBefore) {
          if (full()) return { items, commonPrefixes, truncated: true, last };
          commonPrefixes.push(common);
          last = common;
        }
        const ceiling = keyCeiling(common);
        if (ceiling === undefined) return { items, commonPrefixes, truncated: false, last };
        from = { atLeast: ceiling };
        jumped = true;
        break;
      }
      if (full()) return { items, commonPrefixes, truncated: true, last };
      items.push(item);
      last = key;
      from = { after: key };
    }
    if (!jumped && batch.length < limit) return { items, commonPrefixes, truncated: false, last };
  }
}
