// Reads a request body up to a limit. A body over the limit is still read (and thrown
// away) up to DRAIN_MAX, so the client, which is still sending, receives the 413 instead
// of a broken pipe; beyond that the server stops reading and closes the connection, so
// a huge upload costs nothing.
import type { IncomingMessage } from 'node:http';
import { NimbusError } from '../../errors.js';

const DRAIN_MAX = 80 * 1024 * 1024;

export class BodyTooLarge extends NimbusError {
  /** True when the rest of the body was not read: the connection must be closed. */
  readonly unread: boolean;

  constructor(limit: number, operation: string, unread: boolean) {
    super('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);
    this.unread = unread;
  }
}

export function readBody(req: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > DRAIN_MAX) return Promise.reject(new BodyTooLarge(limit, operation, true));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_MAX) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge(limit, operation, true));
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) reject(new BodyTooLarge(limit, operation, false));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}
