// Zips a directory reproducibly: the same tree gives the same bytes, so the same
// CodeSha256, on any machine. Entries are sorted, times fixed at 1980-01-01 (the DOS
// epoch), modes normalised to 755/644 (what the platform extracts anyway, and
// immune to umask differences), `.git` left out.
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { CliError } from './command.js';

const FIXED_MTIME = new Date(1980, 0, 1); // local time: yazl writes DOS local time
const SKIPPED = new Set(['.git']);

type ZipItem =
  | { readonly kind: 'dir'; readonly name: string }
  | { readonly kind: 'file'; readonly name: string; readonly source: string; readonly executable: boolean }
  | { readonly kind: 'symlink'; readonly name: string; readonly target: string };

function inside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

/**
 * A link is kept as a link when both its text and its real target stay in the tree;
 * otherwise it is followed and its content stored, as `zip -r` does.
 */
async function keepsLink(root: string, file: string, name: string, target: string): Promise<boolean> {
  if (path.isAbsolute(target)) return false;
  const lexical = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
  if (lexical === '..' || lexical.startsWith('../')) return false;
  try {
    return inside(root, await realpath(file));
  } catch {
    return true; // dangling, but pointing inside: keep it as it is
  }
}

async function walk(root: string, dir: string, prefix: string, ancestors: ReadonlySet<string>, out: ZipItem[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const file = path.join(dir, entry.name);
    const name = prefix + entry.name;
    if (entry.isSymbolicLink()) {
      const target = await readlink(file);
      if (await keepsLink(root, file, name, target)) {
        out.push({ kind: 'symlink', name, target });
        continue;
      }
    }
    let info;
    try {
      info = await stat(file);
    } catch {
      throw new CliError(`cannot read '${name}' (a symlink to a missing file?)`);
    }
    if (info.isDirectory()) {
      const real = await realpath(file);
      if (ancestors.has(real)) throw new CliError(`'${name}' is a symlink loop`);
      out.push({ kind: 'dir', name });
      await walk(root, file, name + '/', new Set([...ancestors, real]), out);
    } else if (info.isFile()) {
      out.push({ kind: 'file', name, source: file, executable: (info.mode & 0o111) !== 0 });
    } else {
      throw new CliError(`'${name}' is not a file, directory or symlink`);
    }
  }
}

async function collect(stream: NodeJS.ReadableStream, failed: Promise<never>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  })();
  return Promise.race([read, failed]);
}

/** The whole directory as a zip, in memory (Lambda caps zips at 50 MB anyway). */
export async function zipDirectory(dir: string): Promise<Buffer> {
  const root = await realpath(dir);
  const items: ZipItem[] = [];
  await walk(root, root, '', new Set([root]), items);
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const zip = new yazl.ZipFile();
  const failed = new Promise<never>((_, reject) => zip.on('error', reject));
  const common = { mtime: FIXED_MTIME, forceDosTimestamp: true }; // no extended-time field: it would carry the time zone
  for (const item of items) {
    if (item.kind === 'dir') zip.addEmptyDirectory(item.name, { ...common, mode: 0o40755 });
    else if (item.kind === 'symlink') zip.addBuffer(Buffer.from(item.target), item.name, { ...common, mode: 0o120777, compress: false });
    else zip.addFile(item.source, item.name, { ...common, mode: item.executable ? 0o100755 : 0o100644, compress: true });
  }
  zip.end();
  return collect(zip.outputStream, failed);
}
