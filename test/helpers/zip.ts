// Builds zip archives in memory for tests.
import yazl from 'yazl';

export type ZipEntries = Readonly<Record<string, string | Buffer>>;

export function makeZip(entries: ZipEntries): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { mtime: new Date(0), mode: 0o100644 });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export const HELLO_HANDLER = `exports.handler = async (event) => ({ hello: event.name ?? 'world' });\n`;

export function helloZip(extra = ''): Promise<Buffer> {
  return makeZip({ 'index.js': HELLO_HANDLER + extra });
}
