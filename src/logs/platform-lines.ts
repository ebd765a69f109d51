// The platform's own log lines, byte for byte as Lambda writes them
// (lambda-reference §5.1, §5.3).
import { randomBytes } from 'node:crypto';

/** `YYYY/MM/DD/[version]<32 hex>`: one stream per execution environment. */
export function logStreamName(version: string, now: number): string {
  const d = new Date(now);
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

export function logGroupName(functionName: string, configured: string | undefined): string {
  return configured ?? `/aws/lambda/${functionName}`;
}

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
  readonly status?: 'timeout' | 'error' | undefined;
}

/** Fields tab-separated, each followed by a tab; Init Duration after Max Memory Used. */
export function reportLine(requestId: string, r: ReportFields): string {
  let line = `REPORT RequestId: ${requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedDurationMs} ms\t` +
    `Memory Size: ${r.memorySizeMb} MB\tMax Memory Used: ${r.maxMemoryUsedMb} MB\t`;
  if (r.initDurationMs !== undefined) line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  if (r.status !== undefined) line += `Status: ${r.status}\t`;
  return line;
}

/** Billed in 1 ms steps, rounded up (since Dec 2020), at least 1 ms. */
export function billedDuration(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** `X-Amz-Log-Result`: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: readonly { readonly text: string }[]): string {
  const text = Buffer.from(lines.map((l) => `${l.text}\n`).join(''));
  return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
}
