// The listing algorithm over an in-memory sorted key list: delimiters, markers, paging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyCeiling } from '../../src/objects/key-order.js';
import { listKeys, type KeyScanner, type ListRequest } from '../../src/objects/listing.js';

/** Sorts by UTF-8 bytes, as the store does. */
function scannerOf(keys: readonly string[]): { scan: KeyScanner<string>; calls: () => number } {
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let calls = 0;
  const gte = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) >= 0;
  return {
    scan: (from, limit) => {
      calls++;
      return Promise.resolve(sorted.filter((k) => (from.after === undefined || (gte(k, from.after) && k !== from.after)) && (from.atLeast === undefined || gte(k, from.atLeast))).slice(0, limit));
    },
    calls: () => calls,
  };
}

async function pages(keys: readonly string[], request: Omit<ListRequest, 'marker'>): Promise<string[][]> {
  const { scan } = scannerOf(keys);
  const out: string[][] = [];
  let marker: string | undefined;
  for (;;) {
    const listed = await listKeys((from, limit) => scan(from, limit).then((ks) => ks.filter((k) => k.startsWith(request.prefix))), (k) => k, { ...request, marker });
    out.push([...listed.items, ...listed.commonPrefixes.map((p) => `${p}*`)]);
    if (!listed.truncated) return out;
    marker = listed.last;
  }
}

test('keyCeiling bounds exactly the keys with a prefix, by code point', () => {
  assert.equal(keyCeiling('a/'), 'a0');
  assert.equal(keyCeiling(''), undefined);
  assert.equal(keyCeiling('a\u{10FFFF}'), 'b');
  assert.equal(keyCeiling('\uD7FF'), '\uE000');
});

test('a delimiter rolls keys up into common prefixes; entries count together toward max-keys', async () => {
  const keys = ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd'];
  assert.deepEqual(await pages(keys, { prefix: '', delimiter: '/', maxKeys: 1000 }), [['b', 'd', 'a/*', 'c/*']]);
  assert.deepEqual(await pages(keys, { prefix: '', delimiter: '/', maxKeys: 2 }), [['b', 'a/*'], ['d', 'c/*']]);
  const flat = (await pages(keys, { prefix: '', delimiter: '/', maxKeys: 1 })).flat();
  assert.deepEqual(flat, ['a/*', 'b', 'c/*', 'd']);
  assert.deepEqual((await pages(keys, { prefix: 'c/', delimiter: '/', maxKeys: 1000 })).flat(), ['c/y', 'c/x/*']);
});

test('a common prefix with many keys costs one scan, not one per key', async () => {
  const keys = [...Array.from({ length: 5000 }, (_, i) => `big/${String(i).padStart(5, '0')}`), 'z'];
  const { scan, calls } = scannerOf(keys);
  const listed = await listKeys(scan, (k) => k, { prefix: '', delimiter: '/', marker: undefined, maxKeys: 1000 });
  assert.deepEqual([...listed.items, ...listed.commonPrefixes], ['z', 'big/']);
  assert.ok(calls() <= 3, `scanned ${calls()} times`);
});

test('max-keys 0 returns nothing and is not truncated; listing resumes strictly after a marker', async () => {
  const { scan } = scannerOf(['a', 'b', 'c']);
  const none = await listKeys(scan, (k) => k, { prefix: '', delimiter: undefined, marker: undefined, maxKeys: 0 });
  assert.deepEqual([none.items.length, none.truncated], [0, false]);
  const after = await listKeys(scan, (k) => k, { prefix: '', delimiter: undefined, marker: 'a', maxKeys: 10 });
  assert.deepEqual(after.items, ['b', 'c']);
});

test('byte order puts U+FFFD before an emoji (UTF-16 order would not)', async () => {
  const all = (await pages(['\u{1F600}', '\uFFFD', 'a'], { prefix: '', delimiter: undefined, maxKeys: 1 })).flat();
  assert.deepEqual(all, ['a', '\uFFFD', '\u{1F600}']);
});
