// Bookkeeping for the security suites: every attack is counted when tried and again when
// its containment was proven, and the suite prints one summary line a reader can grep.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invoke } from './functions.js';

export class AttackTally {
  private tried = 0;
  private contained = 0;

  /** Runs one attack; it counts as contained only if `body` (its assertions) completes. */
  async attack(body: () => Promise<void>): Promise<void> {
    this.tried += 1;
    await body();
    this.contained += 1;
  }

  summary(label = 'security'): string {
    return `${label}: ${this.tried} attacks tried, ${this.contained} contained`;
  }
}

/**
 * Proves the platform still serves others after an attack: the control function answers
 * correctly. Latency is printed for the reader, never asserted (timings go to bench/).
 */
export async function controlStillServes(lambda: LambdaClient, control: string, after: string): Promise<unknown> {
  const started = performance.now();
  const { output, payload } = await invoke(lambda, control, { ping: after });
  const ms = performance.now() - started;
  console.log(`# control invoke after ${after}: ${ms.toFixed(0)} ms`);
  if (output.FunctionError !== undefined) throw new Error(`control function failed after ${after}: ${JSON.stringify(payload)}`);
  return payload;
}

/** A handler body shared by the hostile functions: `attempt` turns a thrown error into its code. */
export const ATTEMPT_PRELUDE = `const fs = require('fs');
const attempt = (f) => { try { return f(); } catch (e) { return 'denied:' + (e.code ?? e.message); } };
`;

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  /** Sent as written (latin1), so encoded and raw traversal and invalid UTF-8 reach the server unnormalised. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** One request as written, on its own connection; a reply that does not come in 15 s is a hang and fails. */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: request.method ?? 'GET', path: request.path, headers: request.headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no reply in 15 s: ${request.method ?? 'GET'} ${request.path}`)));
    req.on('error', reject);
    req.end(request.body);
  });
}
