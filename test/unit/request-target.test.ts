// The request-target parser on the hot path must give exactly what WHATWG URL gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseRequestTarget } from '../../src/api/http/request-target.js';

type Parsed = { pathname: string; query: [string, string][] } | 'invalid';

function viaUrl(raw: string): Parsed {
  try {
    const url = new URL(raw, 'http://localhost');
    return { pathname: url.pathname, query: [...url.searchParams] };
  } catch {
    return 'invalid'; // e.g. '//': a scheme-relative reference with no host
  }
}

function viaParser(raw: string): Parsed {
  try {
    const target = parseRequestTarget(raw);
    return { pathname: target.pathname, query: [...target.searchParams] };
  } catch {
    return 'invalid';
  }
}

test('paths and queries come out as WHATWG URL makes them', () => {
  for (const raw of [
    '/', '/2015-03-31/functions/bench/invocations', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations?Qualifier=%24LATEST',
    '/a/./b', '/a/../b', '/a/%2e%2E/b', '/.hidden', '/a b', '/ä', '/a?b=1&b=2&c', '/a?x=%20y+z', '/a#frag', '/a?q#frag', '/url/fn/path/with;params:and@', '/a//b/',
    "/!$&'()*+,;=", '/a\\b', '/a|b', '/a"b', '/{x}', '/%zz', '/a?', '//', '//host/path',
  ]) {
    assert.deepEqual(viaParser(raw), viaUrl(raw), raw);
  }
});

test('any request target: the same as WHATWG URL (property)', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9\-._~:@!$&'()*+,;=% "<>\\|^`{}.]{0,8}$/);
  const target = fc.tuple(fc.array(segment, { maxLength: 5 }), fc.option(fc.string({ maxLength: 12 }))).map(([segs, query]) => `/${segs.join('/')}${query === null ? '' : `?${query}`}`);
  fc.assert(fc.property(target, (raw) => assert.deepEqual(viaParser(raw), viaUrl(raw))), { seed: 7, numRuns: 2000 });
});
