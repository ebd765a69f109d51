// Conditional requests and ranges, by S3's documented precedence and RFC 7233.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRange } from '../../src/objects/byte-range.js';
import { evaluateConditions } from '../../src/objects/conditions.js';
import { multipartEtag } from '../../src/objects/etag.js';

const ETAG = '5d41402abc4b2a76b9719d911017c592';
const MODIFIED = Date.parse('2026-01-02T03:04:05.678Z');
const BEFORE = Date.parse('2026-01-01T00:00:00Z');
const AFTER = Date.parse('2026-02-01T00:00:00Z');

test('If-Match and If-Unmodified-Since decide 412; If-Match true wins over If-Unmodified-Since false', () => {
  assert.equal(evaluateConditions({ ifMatch: `"${ETAG}"` }, ETAG, MODIFIED), 'proceed');
  assert.equal(evaluateConditions({ ifMatch: '"other"' }, ETAG, MODIFIED), 'precondition-failed');
  assert.equal(evaluateConditions({ ifMatch: '*' }, ETAG, MODIFIED), 'proceed');
  assert.equal(evaluateConditions({ ifUnmodifiedSince: BEFORE }, ETAG, MODIFIED), 'precondition-failed');
  assert.equal(evaluateConditions({ ifMatch: ETAG, ifUnmodifiedSince: BEFORE }, ETAG, MODIFIED), 'proceed');
});

test('If-None-Match and If-Modified-Since decide 304; If-None-Match false wins over If-Modified-Since true', () => {
  assert.equal(evaluateConditions({ ifNoneMatch: `"${ETAG}"` }, ETAG, MODIFIED), 'not-modified');
  assert.equal(evaluateConditions({ ifNoneMatch: '"other"' }, ETAG, MODIFIED), 'proceed');
  assert.equal(evaluateConditions({ ifModifiedSince: AFTER }, ETAG, MODIFIED), 'not-modified');
  assert.equal(evaluateConditions({ ifModifiedSince: BEFORE }, ETAG, MODIFIED), 'proceed');
  assert.equal(evaluateConditions({ ifNoneMatch: ETAG, ifModifiedSince: BEFORE }, ETAG, MODIFIED), 'not-modified');
  // Seconds precision: the object's own Last-Modified (ms dropped) is "not modified since".
  assert.equal(evaluateConditions({ ifModifiedSince: Math.floor(MODIFIED / 1000) * 1000 }, ETAG, MODIFIED), 'not-modified');
});

test('ranges: open, closed, suffix, clamped; unsatisfiable; malformed ones are ignored', () => {
  assert.deepEqual(resolveRange('bytes=0-4', 10), { start: 0, end: 4 });
  assert.deepEqual(resolveRange('bytes=5-', 10), { start: 5, end: 9 });
  assert.deepEqual(resolveRange('bytes=-3', 10), { start: 7, end: 9 });
  assert.deepEqual(resolveRange('bytes=-30', 10), { start: 0, end: 9 });
  assert.deepEqual(resolveRange('bytes=8-100', 10), { start: 8, end: 9 });
  assert.equal(resolveRange('bytes=10-', 10), 'unsatisfiable');
  assert.equal(resolveRange('bytes=-0', 10), 'unsatisfiable');
  assert.equal(resolveRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(resolveRange('bytes=5-2', 10), 'whole');
  assert.equal(resolveRange('bytes=0-1,3-4', 10), 'whole');
  assert.equal(resolveRange(undefined, 10), 'whole');
});

test('a multipart ETag is the MD5 of the binary part MD5s, then the part count', () => {
  // md5("a") and md5("b"); md5 of their 32 concatenated bytes computed with coreutils.
  assert.equal(multipartEtag(['0cc175b9c0f1b6a831c399e269772661', '92eb5ffee6ae2fec3ad71c777531578f']), '96e024ba2074fe77e8e965ba43a704be-2');
});
