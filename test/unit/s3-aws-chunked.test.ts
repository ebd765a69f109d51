// The aws-chunked decoder against bodies in the forms SDK v3 and the S3 docs send.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { AwsChunkedDecoder } from '../../src/api/s3/aws-chunked.js';
import { S3Error } from '../../src/objects/errors.js';

async function decode(pieces: readonly string[]): Promise<{ body: string; trailers: ReadonlyMap<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  Readable.from(pieces.map((p) => Buffer.from(p, 'latin1'))).pipe(decoder);
  const chunks: Buffer[] = [];
  for await (const chunk of decoder as AsyncIterable<Buffer>) chunks.push(chunk);
  return { body: Buffer.concat(chunks).toString('latin1'), trailers: decoder.trailers };
}

test('an unsigned body with a checksum trailer, as SDK v3 sends a stream', async () => {
  const { body, trailers } = await decode(['c\r\nhello stream\r\n0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n']);
  assert.equal(body, 'hello stream');
  assert.equal(trailers.get('x-amz-checksum-crc32'), 'gtnkmQ==');
});

test('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) decode to their data', async () => {
  const sig = 'a'.repeat(64);
  const { body, trailers } = await decode([`5;chunk-signature=${sig}\r\nhello\r\n6;chunk-signature=${sig}\r\n world\r\n0;chunk-signature=${sig}\r\n\r\n`]);
  assert.equal(body, 'hello world');
  assert.equal(trailers.size, 0);
});

test('framing split at every byte boundary decodes the same', async () => {
  const whole = '3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nx-amz-checksum-sha256:xyz\r\n\r\n';
  const { body, trailers } = await decode([...whole]);
  assert.equal(body, 'abc0123456789abcdef');
  assert.equal(trailers.get('x-amz-checksum-sha256'), 'xyz');
});

test('a truncated body, a chunk longer than declared and a bad size line are IncompleteBody', async () => {
  for (const bad of ['5\r\nhel', '3\r\nhello\r\n0\r\n\r\n', 'zz\r\nhello\r\n', '5\r\nhello\r\n0\r\n']) {
    await assert.rejects(decode([bad]), (err: unknown) => err instanceof S3Error && err.code === 'IncompleteBody', JSON.stringify(bad));
  }
});
