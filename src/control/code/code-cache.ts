// Function code on this node: the zip in the BlobStore (the durable copy) and its
// validated, unpacked tree under <dataDir>/code/<sha256 hex> that sandboxes bind
// read-only. Trees are immutable and shared by every version with the same zip.
import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { NimbusError } from '../../errors.js';
import type { BlobStore } from '../../store/ports.js';
import type { CodeRef } from '../../store/records.js';
import { LAMBDA_ZIP_LIMITS, unpackZip, type ZipLimits } from './zip-package.js';

export interface CodeCache {
  /** Validates and unpacks a zip, stores it durably, and returns its reference. */
  prepare(zip: Buffer): Promise<CodeRef>;
  /** The unpacked tree of stored code, unpacking it again from the blob if needed. */
  ensure(code: CodeRef): Promise<string>;
  /** Deletes blobs and trees no function refers to any more. */
  collectGarbage(referenced: ReadonlySet<string>): Promise<number>;
}

export function createCodeCache(root: string, blobs: BlobStore, limits: ZipLimits = LAMBDA_ZIP_LIMITS): CodeCache {
  const inFlight = new Map<string, Promise<string>>();
  const dirOf = (blobKey: string): string => path.join(root, blobKey);
  const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

  // Single-flight per key: concurrent deploys of the same zip unpack it once.
  function unpackOnce(blobKey: string, zip: () => Promise<Buffer>): Promise<string> {
    const running = inFlight.get(blobKey);
    if (running) return running;
    const dir = dirOf(blobKey);
    const work = (async () => {
      if (!(await exists(dir))) await unpackZip(await zip(), dir, limits);
      return dir;
    })().finally(() => inFlight.delete(blobKey));
    inFlight.set(blobKey, work);
    return work;
  }

  return {
    async prepare(zip) {
      if (zip.length > limits.maxZippedBytes) {
        throw new NimbusError('RequestTooLargeException', `Zipped size must be smaller than ${limits.maxZippedBytes} bytes`);
      }
      const digest = createHash('sha256').update(zip).digest();
      const blobKey = digest.toString('hex');
      await unpackOnce(blobKey, () => Promise.resolve(zip));
      await blobs.put(zip);
      return { sha256: digest.toString('base64'), blobKey, size: zip.length };
    },
    async ensure(code) {
      return unpackOnce(code.blobKey, async () => {
        const zip = await blobs.get(code.blobKey);
        if (!zip) throw new NimbusError('ResourceNotReadyException', `the code of this function (CodeSha256 ${code.sha256}) is missing from the blob store`);
        return zip;
      });
    },
    async collectGarbage(referenced) {
      let removed = 0;
      for (const key of await blobs.keys()) {
        if (!referenced.has(key)) {
          await blobs.delete(key);
          removed++;
        }
      }
      const trees = await readdir(root).catch(() => [] as string[]);
      for (const name of trees) {
        // Whole trees no function uses, and temp dirs of unpacks a crash interrupted.
        const orphanTree = /^[0-9a-f]{64}$/.test(name) && !referenced.has(name) && !inFlight.has(name);
        const interruptedUnpack = /^\.[0-9a-f]{64}\.unpacking-/.test(name);
        if (orphanTree || interruptedUnpack) {
          await rm(dirOf(name), { recursive: true, force: true });
        }
      }
      return removed;
    },
  };
}
