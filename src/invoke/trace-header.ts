// X-Amzn-Trace-Id as Lambda hands it to a function (lambda-reference §3.2:
// `Root=1-<8 hex epoch s>-<24 hex>;Parent=<16 hex>;Sampled=0|1[;Lineage=…]`). The guest puts
// it in _X_AMZN_TRACE_ID, and the AWS SDK's recursion-detection middleware sends it on every
// call the function makes, so an S3 write made by a function carries the chain it belongs to.
//
// Lineage holds the recursion guard's hop counts (§7.8): one `<8 hex of the function>:<count>`
// entry per function an event source invoked in this chain, joined by `|` — the form X-Ray
// documents (`Lineage=a87bd80c:1|68fd508a:5`). Entries in forms Nimbus does not write are
// ignored (a chain that arrives with one starts counting at 0).
import { createHash } from 'node:crypto';
import type { FunctionKey } from '../store/records.js';
import { functionArn } from '../util/arn.js';
import { randomHex } from '../util/random-hex.js';

export interface TraceHeader {
  /** `1-<8 hex>-<24 hex>`. */
  readonly root: string;
  readonly parent: string | undefined;
  readonly sampled: '0' | '1';
  /** Function hash → invocations of that function in this chain, in the order first seen. */
  readonly lineage: ReadonlyMap<string, number>;
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const PARENT = /^[0-9a-f]{16}$/;
const LINEAGE_ENTRY = /^([0-9a-f]{8}):(\d{1,6})$/;
/** A chain through many functions keeps only the most recent ones, so the header stays small. */
const MAX_LINEAGE_ENTRIES = 10;

export function parseTraceHeader(value: string | undefined): TraceHeader | undefined {
  if (value === undefined || value.length > 2048) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const root = fields.get('Root');
  if (root === undefined || !ROOT.test(root)) return undefined;
  const parent = fields.get('Parent');
  const lineage = new Map<string, number>();
  for (const entry of (fields.get('Lineage') ?? '').split('|')) {
    const match = LINEAGE_ENTRY.exec(entry);
    if (match) lineage.set(match[1] as string, Number(match[2]));
  }
  return {
    root, parent: parent !== undefined && PARENT.test(parent) ? parent : undefined,
    sampled: fields.get('Sampled') === '1' ? '1' : '0', lineage,
  };
}

export function formatTraceHeader(trace: TraceHeader): string {
  const parts = [`Root=${trace.root}`];
  if (trace.parent !== undefined) parts.push(`Parent=${trace.parent}`);
  parts.push(`Sampled=${trace.sampled}`);
  if (trace.lineage.size > 0) parts.push(`Lineage=${[...trace.lineage].map(([hash, count]) => `${hash}:${count}`).join('|')}`);
  return parts.join(';');
}

function newRoot(now: number): string {
  return `1-${Math.floor(now / 1000).toString(16).padStart(8, '0').slice(-8)}-${randomHex(12)}`;
}

/**
 * The header an invocation runs with: the caller's chain (Root, Sampled, Lineage) with a
 * new Parent for this invocation, or a new chain when the caller sent none.
 */
export function invocationTrace(incoming: string | undefined, now: number): string {
  const parsed = parseTraceHeader(incoming);
  return formatTraceHeader({
    root: parsed?.root ?? newRoot(now), parent: randomHex(8),
    sampled: parsed?.sampled ?? '0', lineage: parsed?.lineage ?? new Map(),
  });
}

/** The 8 hex digits that name a function in Lineage. */
export function lineageHash(fn: FunctionKey): string {
  return createHash('sha256').update(functionArn(fn.region, fn.account, fn.name)).digest('hex').slice(0, 8);
}

/** How many times an event source invoked `fn` in the chain of this header so far. */
export function hopCount(header: string | undefined, fn: FunctionKey): number {
  return parseTraceHeader(header)?.lineage.get(lineageHash(fn)) ?? 0;
}

/**
 * The header of an event source's invocation of `fn` caused by a change made with
 * `header`: the same chain, with `fn`'s count one higher (the recursion guard reads it).
 */
export function nextHop(header: string | undefined, fn: FunctionKey, now: number): string {
  const parsed = parseTraceHeader(header);
  const hash = lineageHash(fn);
  const lineage = new Map(parsed?.lineage ?? []);
  const count = (lineage.get(hash) ?? 0) + 1;
  lineage.delete(hash); // re-inserted last: the most recent entries are the ones kept
  lineage.set(hash, count);
  while (lineage.size > MAX_LINEAGE_ENTRIES) lineage.delete(lineage.keys().next().value as string);
  return formatTraceHeader({ root: parsed?.root ?? newRoot(now), parent: parsed?.parent, sampled: parsed?.sampled ?? '0', lineage });
}
