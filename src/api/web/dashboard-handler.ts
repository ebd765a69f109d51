// Serves the built dashboard (web/, built into web/dist at `npm install`) at `/` and
// `/assets/*`. It is asked after every other raw handler and claims only unsigned GET and
// HEAD requests for exactly those paths, so the S3 API (signed, or s3.localhost hosts), SQS
// (signed, or /<account>/<queue>), function URLs (/url/…, lambda-url hosts), HTTP API routes
// (/http/…, execute-api hosts), the Lambda API and /nimbus/v1 never reach it. The page talks
// to the Lambda and admin APIs with unsigned requests (the default account and region).
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import type { RawHttpHandler } from '../http/types.js';

/** web/dist next to the compiled dist/src/api/web/ (the repository root is four levels up). */
export const DEFAULT_DASHBOARD_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'web', 'dist');

const NOT_BUILT = 'The Nimbus dashboard is not built. Run `npm run build:web` (or `npm install`) in the Nimbus directory, then reload.\n';

function isUnsigned(req: IncomingMessage, rawQuery: string): boolean {
  return req.headers.authorization === undefined && !/(^|&)X-Amz-Credential=/i.test(rawQuery);
}

export class DashboardHandler implements RawHttpHandler {
  readonly name = 'dashboard';
  readonly #dir: string;
  readonly #serve: ReturnType<typeof sirv> | undefined;

  constructor(options: { readonly dir?: string } = {}) {
    this.#dir = options.dir ?? DEFAULT_DASHBOARD_DIR;
    // Hashed file names under /assets/ never change content, so they are cached for good;
    // index.html is always revalidated (etag). sirv lists the files once, here: a rebuild shows after a restart.
    this.#serve = existsSync(path.join(this.#dir, 'index.html'))
      ? sirv(this.#dir, {
        etag: true, dotfiles: false, single: false,
        setHeaders: (res, pathname) => {
          res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
          res.setHeader('x-content-type-options', 'nosniff');
        },
      })
      : undefined;
  }

  claims(req: IncomingMessage, rawPath: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (rawPath !== '/' && rawPath !== '/index.html' && !rawPath.startsWith('/assets/')) return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    // `/?Action=…` is the SQS query protocol's, not a page.
    return isUnsigned(req, rawQuery) && !/(^|&)Action=/.test(rawQuery);
  }

  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    res.setHeader('x-amzn-requestid', requestId);
    if (!this.#serve) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(NOT_BUILT) });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
      return Promise.resolve();
    }
    this.#serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : 'Not found\n');
    });
    return Promise.resolve();
  }
}
