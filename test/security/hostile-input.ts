// Hostile input for the request fuzz suite: fast-check arbitraries for names, keys and
// bodies an attacker would send, and the checks that an answer is each API's own error.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RawReply } from '../helpers/hostile.js';

/**
 * One fixed seed, so a run is repeatable and CI cannot go red on an input no one can
 * replay; FUZZ_SEED=<n> explores others (a failure prints its seed and counterexample).
 */
export const FUZZ_SEED = process.env['FUZZ_SEED'] === undefined ? 20261128 : Number(process.env['FUZZ_SEED']);
fc.configureGlobal({ seed: FUZZ_SEED });

/** Any file this name would create is searched for afterwards: finding one means a write escaped. */
export const ESCAPE_MARKER = 'nimbus-escape-marker';

const EVIL_PIECES = [
  '../', '..%2F', '..%2f', '%2e%2e%2f', '%2E%2E/', '%252e%252e%252f', '..\\', '..%5c', '%c0%ae%c0%ae/', '....//',
  '/etc/passwd', '%00', '%ff', '%fe%ff', '\xff', '\xc0\xaf', '%', `../../${ESCAPE_MARKER}`, `..%2F..%2F${ESCAPE_MARKER}`,
] as const;

/** A string that is safe to put in a request line as written (printable latin1, no ? or #). */
const pathText = fc.string({ maxLength: 8 }).map((s) => s.replace(/[^\x21-\x7e]|[?#]/g, (c) => encodeURIComponent(c)));

/** A path segment carrying at least one traversal or invalid-UTF-8 piece. */
export const evilSegment = fc.tuple(pathText, fc.array(fc.constantFrom(...EVIL_PIECES), { minLength: 1, maxLength: 3 }), pathText)
  .map(([before, pieces, afterText]) => before + pieces.join('') + afterText);

/** The same, decoded: what a JSON body would carry as a name. */
export const evilName = evilSegment.map((s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
});

/** Bytes that are not JSON: random bytes, truncated documents, and valid-looking JSON with invalid UTF-8 inside. */
export const notJson = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)).filter((s) => s.length > 1).map((s) => Buffer.from(s.slice(0, -1) + '\x00{')),
  fc.constant(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')])),
  fc.constantFrom('{', '[1,', '{"a":}', '{"a" 1}', 'nul', '"unterminated', '{"__proto__":', '\u0000').map((s) => Buffer.from(s)),
).filter((b) => {
  try {
    JSON.parse(b.toString('utf8'));
    return false;
  } catch {
    return true;
  }
});

/** XML an S3 parser must refuse: unbalanced, doctype/entity tricks, binary, wrong roots. */
export const badXml = fc.oneof(
  fc.constantFrom(
    '<', '<a>', '<a></b>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&e;</Key></Object></Delete>',
    '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;</x>',
    '<NotificationConfiguration><CloudFunctionConfiguration>', '<Tagging><TagSet><Tag><Key>',
  ),
  fc.uint8Array({ minLength: 1, maxLength: 100 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ maxLength: 40 }).map((s) => `<${s}`),
);

/** Header values that are legal on the wire but wrong for the field. */
export const junkHeaderValue = fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x'));

function assertClientError(reply: RawReply, context: string): void {
  assert.ok(reply.status >= 400 && reply.status < 500, `${context}: expected a 4xx, got ${reply.status} ${reply.body.slice(0, 300)}`);
}

/** Lambda's error: 4xx, `X-Amzn-ErrorType`, a JSON body with a message. */
export function assertLambdaError(reply: RawReply, context: string): void {
  assertClientError(reply, context);
  assert.ok(reply.headers['x-amzn-errortype'], `${context}: no x-amzn-errortype (${reply.status} ${reply.body.slice(0, 200)})`);
  const body = JSON.parse(reply.body) as { message?: string; Message?: string };
  assert.equal(typeof (body.message ?? body.Message), 'string', `${context}: ${reply.body}`);
}

/** S3's error: 4xx and an XML <Error> with a <Code> (HEAD answers carry no body). */
export function assertS3Error(reply: RawReply, context: string, method: string): void {
  assertClientError(reply, context);
  if (method !== 'HEAD') assert.match(reply.body, /<Error>[\s\S]*<Code>\w+<\/Code>/, `${context}: ${reply.body.slice(0, 200)}`);
}

/** SQS JSON protocol's error: 4xx and a JSON body with `__type`. */
export function assertSqsJsonError(reply: RawReply, context: string): void {
  assertClientError(reply, context);
  assert.equal(typeof (JSON.parse(reply.body) as { __type?: string }).__type, 'string', `${context}: ${reply.body}`);
}

/** SQS query protocol's error: 4xx and an XML <ErrorResponse>. */
export function assertSqsQueryError(reply: RawReply, context: string): void {
  assertClientError(reply, context);
  assert.match(reply.body, /<ErrorResponse[\s\S]*<Code>[\w.]+<\/Code>/, `${context}: ${reply.body.slice(0, 200)}`);
}

/** Signature-shaped Authorization headers naming a service (signatures are only checked where the platform checks them). */
export function sigv4Header(service: string, accessKeyId = 'test'): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': '20260101T000000Z',
  };
}

/** 64 hex digits: the shape of a SigV4 signature, with (almost surely) the wrong value. */
export const forgedSignature = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
