// Reads a request body up to a limit. Past the limit it stops reading at once (the
// connection is closed after the 413) so a huge upload costs nothing.
import type { IncomingMessage } from 'node:http';
import { NimbusError } from '../../errors.js';

export class BodyTooLarge extends NimbusError {}

export function readBody(req: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = (): BodyTooLarge =>
    new BodyTooLarge('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
