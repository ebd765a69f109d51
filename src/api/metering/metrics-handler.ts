// GET /metrics: the Prometheus text exposition, unsigned, as scrapers expect it at that
// path. A raw handler because /metrics belongs to no SigV4 service and no /nimbus/ path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformMetrics } from '../../metering/metrics.js';
import type { RawHttpHandler } from '../http/types.js';

export class MetricsHandler implements RawHttpHandler {
  readonly name = 'Prometheus metrics';
  readonly #metrics: PlatformMetrics;

  constructor(metrics: PlatformMetrics) {
    this.#metrics = metrics;
  }

  claims(_req: IncomingMessage, path: string): boolean {
    return path === '/metrics';
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method Not Allowed\n');
      return;
    }
    const text = await this.#metrics.render();
    res.writeHead(200, { 'content-type': this.#metrics.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}
