// Checks every SourceReader must pass, shared by the source plugin tests (each drives its
// own broker; these only need a reader, or a way to open one, and the records' bodies).
import assert from 'node:assert/strict';
import type { SourceReader, SourceRecord } from '../../src/triggers/sources/source-plugin.js';

export const never = (): AbortSignal => new AbortController().signal;

/** Reads until `count` records came or `timeoutMs` passed. */
export async function readUntil(reader: SourceReader, count: number, timeoutMs = 5000): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await reader.read(count - out.length, 200, never())));
  return out;
}

/** A read waiting for records returns [] soon after the reader is closed; close twice is fine. */
export async function closeEndsWaitingRead(open: () => Promise<SourceReader>): Promise<void> {
  const reader = await open();
  const started = Date.now();
  const pending = reader.read(10, 10_000, never());
  await new Promise((r) => setTimeout(r, 100));
  await reader.close();
  await reader.close();
  assert.deepEqual(await pending, []);
  assert.ok(Date.now() - started < 3000, 'close ends the waiting read');
}

/** Two readers of one mapping, reading side by side, get every one of `values` once between them. */
export async function readersCompete(
  one: SourceReader,
  two: SourceReader,
  produce: (values: string[]) => Promise<void>,
  bodies: (records: readonly SourceRecord[]) => string[],
): Promise<void> {
  const values = Array.from({ length: 20 }, (_, i) => `m${i}`);
  await produce(values);
  const got: string[] = [];
  for (let i = 0; i < 20 && got.length < values.length; i++) {
    const [a, b] = await Promise.all([one.read(3, 100, never()), two.read(3, 100, never())]);
    got.push(...bodies(a), ...bodies(b));
  }
  await new Promise((r) => setTimeout(r, 200));
  const [a, b] = await Promise.all([one.read(3, 100, never()), two.read(3, 100, never())]);
  got.push(...bodies(a), ...bodies(b));
  assert.deepEqual([...got].sort(), [...values].sort(), 'each record once');
}

/** A waiting read returns soon after a record arrives, with it; an aborted waiting read returns [] soon. */
export async function waitingReadWakesAndAborts(
  reader: SourceReader,
  produce: (values: string[]) => Promise<void>,
  bodies: (records: readonly SourceRecord[]) => string[],
): Promise<void> {
  const pending = reader.read(10, 5000, never());
  await new Promise((r) => setTimeout(r, 100));
  const produced = Date.now();
  await produce(['new']);
  assert.deepEqual(bodies(await pending), ['new']);
  assert.ok(Date.now() - produced < 2000, 'returns when the first record comes');
  const abort = new AbortController();
  const started = Date.now();
  setTimeout(() => abort.abort(), 100);
  assert.deepEqual(await reader.read(10, 10_000, abort.signal), []);
  assert.ok(Date.now() - started < 3000, 'abort ends the waiting read');
}
