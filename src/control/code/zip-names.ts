// What one central-directory entry is: its normalised path, kind and mode. Names are
// checked here rather than by yauzl so the error names the entry (zip-slip defence).
import yauzl from 'yauzl';
import type { Entry } from 'yauzl';
import { badEntry, notAZip } from './zip-errors.js';

export type EntryKind = 'file' | 'dir' | 'symlink';

export interface ArchiveEntry {
  readonly entry: Entry;
  /** The name as written in the archive, for messages. */
  readonly name: string;
  /** Relative POSIX path without '.', empty or trailing segments; '' is the root itself. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Permission bits the extracted file or directory gets (unused for symlinks). */
  readonly mode: number;
}

// Unix st_mode as stored in the high 16 bits of externalFileAttributes (Info-ZIP convention).
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const MSDOS_DIRECTORY = 0x10;
const MAX_SEGMENT_BYTES = 255; // NAME_MAX of Linux filesystems
const MAX_PATH_BYTES = 3072; // leaves room below PATH_MAX (4096) for the code directory itself

/** Normalises an archive name, refusing anything that could land outside the code directory. */
export function normaliseEntryName(name: string): string {
  if (name.includes('\0')) throw badEntry(name, 'has a NUL character in its name');
  // Windows tools (PowerShell 5's Compress-Archive) write '\' as the separator, so
  // it is one here; that also exposes '..\evil' to the check below.
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) throw badEntry(name, 'is outside the code directory');
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw badEntry(name, 'is outside the code directory');
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) {
    throw badEntry(name, `has a path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  const normalised = segments.join('/');
  if (Buffer.byteLength(normalised) > MAX_PATH_BYTES) throw badEntry(name, `has a path longer than ${MAX_PATH_BYTES} bytes`);
  return normalised;
}

function kindOf(entry: Entry, name: string): EntryKind {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  const dirName = name.endsWith('/') || name.endsWith('\\');
  if (type === S_IFLNK) {
    if (dirName) throw badEntry(name, 'is a symlink with a directory name');
    return 'symlink';
  }
  if (type === S_IFDIR || dirName) return 'dir';
  if (type === 0 && (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0) return 'dir';
  if (type === 0 || type === S_IFREG) return 'file';
  throw badEntry(name, 'is not a regular file, directory or symlink');
}

export function describeEntry(entry: Entry): ArchiveEntry {
  // decodeStrings is off, so yauzl left the raw bytes; this decodes UTF-8 or CP437
  // (per the general-purpose flag) and honours the Info-ZIP Unicode path field.
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  if (entry.isEncrypted()) throw notAZip(`entry '${name}' is encrypted`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw notAZip(`entry '${name}' uses compression method ${entry.compressionMethod}; only stored and deflated are supported`);
  }
  const path = normaliseEntryName(name);
  const kind = kindOf(entry, name);
  if (path === '' && kind !== 'dir') throw badEntry(name, 'has an empty name');
  const executable = ((entry.externalFileAttributes >>> 16) & 0o111) !== 0;
  const mode = kind === 'file' && !executable ? 0o644 : 0o755;
  return { entry, name, path, kind, mode };
}
