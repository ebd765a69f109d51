// Reading the archive with yauzl: listing entries and streaming their bytes. Every
// decoded byte is counted against one budget as it arrives, because entry headers
// can lie (zip bombs); a failure of the archive itself becomes "Could not unzip".
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { crc32 } from '../../util/crc32.js';
import { badEntry, notAZip, tooManyEntries, unzippedTooLarge } from './zip-errors.js';
import type { ArchiveEntry } from './zip-names.js';

/** Decoded bytes allowed for the whole archive; throws as soon as they are exceeded. */
export class ByteBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.limit) throw unzippedTooLarge(this.limit);
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function openArchive(zip: Buffer): Promise<ZipFile> {
  try {
    return await yauzl.fromBufferPromise(zip, {
      autoClose: false, // entries are listed first and read afterwards
      decodeStrings: false, // names are validated here, so the message can name the entry
      validateEntrySizes: true, // inflated size must equal the central directory's
      strictFileNames: true,
    });
  } catch (err) {
    throw notAZip(reasonOf(err));
  }
}

/** All central-directory entries; refuses an oversized count before reading any. */
export async function listEntries(zipfile: ZipFile, maxEntries: number): Promise<Entry[]> {
  if (zipfile.entryCount > maxEntries) throw tooManyEntries(zipfile.entryCount, maxEntries);
  const entries: Entry[] = [];
  try {
    for await (const entry of zipfile.eachEntry()) entries.push(entry);
  } catch (err) {
    throw notAZip(reasonOf(err));
  }
  return entries;
}

/**
 * Yields the decoded bytes of one entry, taking each chunk from `budget`, and checks
 * the CRC-32 once the entry ends. Leaving the loop early destroys the stream.
 */
export async function* entryChunks(zipfile: ZipFile, entry: Entry, name: string, budget: ByteBudget): AsyncGenerator<Buffer> {
  let stream: Readable;
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch (err) {
    throw notAZip(`entry '${name}': ${reasonOf(err)}`);
  }
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let crc = 0;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw notAZip(`entry '${name}': ${reasonOf(err)}`);
      }
      if (next.done === true) break;
      budget.take(next.value.length);
      crc = crc32(next.value, crc);
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
  if (crc !== entry.crc32) throw notAZip(`entry '${name}': CRC-32 mismatch`);
}

const MAX_LINK_TARGET_BYTES = 4095; // PATH_MAX less the terminating NUL
/** Targets are held in memory to be checked before extraction, so their total is capped too. */
const MAX_LINK_TARGETS_TOTAL = 16 * 1024 * 1024;

/** Reads every symlink's target (its entry's data), keyed by the link's path. */
export async function readLinkTargets(zipfile: ZipFile, links: readonly ArchiveEntry[], budget: ByteBudget): Promise<Map<string, string>> {
  const targets = new Map<string, string>();
  let total = 0;
  for (const link of links) {
    // validateEntrySizes makes the declared size binding, so it can be checked first.
    if (link.entry.uncompressedSize > MAX_LINK_TARGET_BYTES) throw badEntry(link.name, `is a symlink whose target is longer than ${MAX_LINK_TARGET_BYTES} bytes`);
    total += link.entry.uncompressedSize;
    if (total > MAX_LINK_TARGETS_TOTAL) throw badEntry(link.name, `brings the symlink targets to more than ${MAX_LINK_TARGETS_TOTAL} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of entryChunks(zipfile, link.entry, link.name, budget)) chunks.push(chunk);
    const target = Buffer.concat(chunks).toString('utf8');
    if (target === '' || target.includes('\0')) throw badEntry(link.name, 'is a symlink with an empty or invalid target');
    targets.set(link.path, target);
  }
  return targets;
}
