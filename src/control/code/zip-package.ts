// Validates a function's deployment zip and unpacks it, bomb-safe and atomically.
// Limits and messages follow Lambda (lambda-reference.md §1.8): 50 MB zipped,
// 250 MB unzipped. Every user error is InvalidParameterValueException.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { commitDir, destinationExists, exists, syncAll } from './durable-fs.js';
import { unzippedTooLarge, zippedTooLarge } from './zip-errors.js';
import { writeTree } from './zip-extract.js';
import { describeEntry } from './zip-names.js';
import { ByteBudget, listEntries, openArchive, readLinkTargets } from './zip-read.js';
import { checkSymlinks, planTree } from './zip-tree.js';

export interface ZipLimits {
  readonly maxZippedBytes: number;
  readonly maxUnzippedBytes: number;
  readonly maxEntries: number;
}

export const LAMBDA_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxZippedBytes: 52_428_800,
  maxUnzippedBytes: 262_144_000,
  // Lambda states no entry limit; this bounds the listing's memory and the inode count.
  maxEntries: 100_000,
});

export interface UnpackedCode {
  /** Absolute path of the unpacked code. */
  readonly dir: string;
  /** Regular files and symlinks written (directories are not counted). */
  readonly files: number;
  /** Decoded bytes written: file contents plus symlink targets. */
  readonly unzippedBytes: number;
}

/**
 * Validates the whole archive and extracts it into destDir (which must not exist
 * yet) atomically: extract to a sibling temp dir, fsync, rename. On any failure
 * nothing is left behind. User errors are NimbusError InvalidParameterValueException;
 * if destDir exists (before or at the rename) the error has `code: 'EEXIST'`.
 */
export async function unpackZip(zip: Buffer, destDir: string, limits: ZipLimits = LAMBDA_ZIP_LIMITS): Promise<UnpackedCode> {
  if (zip.length > limits.maxZippedBytes) throw zippedTooLarge(limits.maxZippedBytes);
  const dest = path.resolve(destDir);
  if (await exists(dest)) throw destinationExists(dest);

  const zipfile = await openArchive(zip);
  try {
    const entries = (await listEntries(zipfile, limits.maxEntries)).map(describeEntry);
    const plan = planTree(entries);
    // Cheap early refusal from the headers; the budget below counts real bytes.
    const declared = entries.reduce((sum, e) => sum + e.entry.uncompressedSize, 0);
    if (declared > limits.maxUnzippedBytes) throw unzippedTooLarge(limits.maxUnzippedBytes);
    const budget = new ByteBudget(limits.maxUnzippedBytes);
    const linkTargets = await readLinkTargets(zipfile, plan.symlinks, budget);
    checkSymlinks(plan.symlinks, linkTargets);

    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = await mkdtemp(path.join(path.dirname(dest), `.${path.basename(dest)}.unpacking-`));
    try {
      await syncAll(await writeTree(tmp, zipfile, plan, linkTargets, budget));
      await commitDir(tmp, dest);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return { dir: dest, files: plan.files.length + plan.symlinks.length, unzippedBytes: budget.used };
  } finally {
    zipfile.close();
  }
}
