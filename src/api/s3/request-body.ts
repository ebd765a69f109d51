// The body of a request as the object store takes it: aws-chunked bodies decoded, and
// what the client declared about it (length, Content-MD5, a hex x-amz-content-sha256,
// a flexible checksum in a header or a trailer) gathered for the check after the bytes.
import type { Readable } from 'node:stream';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { S3Error } from '../../objects/errors.js';
import { verifyBuffer, type BodyExpectations } from '../../objects/integrity.js';
import type { ChecksumAlgorithm } from '../../store/s3-ports.js';
import { AwsChunkedDecoder } from './aws-chunked.js';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export interface RequestBody {
  readonly body: Readable;
  readonly expected: BodyExpectations;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function algorithmNamed(value: string, header: string): ChecksumAlgorithm {
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === value.toUpperCase());
  if (!algorithm) throw new S3Error('InvalidRequest', `Value for ${header} header is invalid.`);
  return algorithm;
}

/** The algorithm a request declares (x-amz-checksum-algorithm or x-amz-sdk-checksum-algorithm), if any. */
export function declaredChecksumAlgorithm(headers: IncomingHttpHeaders): ChecksumAlgorithm | undefined {
  const name = headers['x-amz-checksum-algorithm'] !== undefined ? 'x-amz-checksum-algorithm' : 'x-amz-sdk-checksum-algorithm';
  const value = single(headers, name);
  return value === undefined ? undefined : algorithmNamed(value, name);
}

function checksumExpectation(headers: IncomingHttpHeaders, trailers: ReadonlyMap<string, string> | undefined): BodyExpectations['checksum'] {
  const inHeaders = CHECKSUM_ALGORITHMS.filter((a) => headers[`x-amz-checksum-${a.toLowerCase()}`] !== undefined);
  if (inHeaders.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const [fromHeader] = inHeaders;
  if (fromHeader) {
    const value = single(headers, `x-amz-checksum-${fromHeader.toLowerCase()}`);
    return { algorithm: fromHeader, value: () => value };
  }
  const trailer = single(headers, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer !== undefined && trailers !== undefined) {
    if (!trailer.startsWith('x-amz-checksum-')) throw new S3Error('InvalidRequest', `The trailer ${trailer} is not supported; send x-amz-checksum-<algorithm>.`);
    const algorithm = algorithmNamed(trailer.slice('x-amz-checksum-'.length), 'x-amz-trailer');
    return { algorithm, value: () => trailers.get(trailer) };
  }
  const declared = declaredChecksumAlgorithm(headers);
  return declared === undefined ? undefined : { algorithm: declared, value: () => undefined };
}

function length(value: string | undefined, header: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw new S3Error('InvalidArgument', `${header} must be a non-negative integer`, { ArgumentName: header, ArgumentValue: value });
  return Number(value);
}

/** The decoded body; `requireLength` refuses a body of unknown length (PUT object and part, as S3 does). */
export function requestBody(req: IncomingMessage, requireLength: boolean): RequestBody {
  const { headers } = req;
  const contentSha = single(headers, 'x-amz-content-sha256');
  const chunked = (contentSha?.startsWith('STREAMING-') ?? false) || (single(headers, 'content-encoding') ?? '').split(',').some((e) => e.trim() === 'aws-chunked');
  const md5 = single(headers, 'content-md5');
  const sha256 = contentSha !== undefined && HEX_SHA256.test(contentSha) ? contentSha : undefined;
  if (!chunked) {
    const size = length(single(headers, 'content-length'), 'Content-Length');
    if (size === undefined && requireLength) throw new S3Error('MissingContentLength');
    return { body: req, expected: { size, md5, sha256, checksum: checksumExpectation(headers, undefined) } };
  }
  const size = length(single(headers, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
  if (size === undefined && requireLength) throw new S3Error('MissingContentLength', 'You must provide the x-amz-decoded-content-length header with an aws-chunked body.');
  const decoder = new AwsChunkedDecoder();
  req.on('error', (err) => decoder.destroy(err));
  // A client that goes away mid-body ends the request without 'end': fail the decode.
  req.on('close', () => {
    if (!req.complete) decoder.destroy(new Error('the client closed the connection before the body ended'));
  });
  // The consumer (the data store, or an XML reader) attaches only after earlier checks: an
  // error before then stays stored on the stream and is thrown to it when it reads.
  decoder.on('error', () => undefined);
  req.pipe(decoder);
  return { body: decoder, expected: { size, md5, sha256, checksum: checksumExpectation(headers, decoder.trailers) } };
}

/** Bytes of an oversized document still read (and dropped) so the client gets the answer, not a reset. */
const DRAIN_MAX = 64 * 1024 * 1024;

/** A small body (an XML document) read whole and checked; over `limit` bytes is MaxMessageLengthExceeded. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const { body, expected } = requestBody(req, false);
  if ((expected.size ?? 0) > DRAIN_MAX) throw new S3Error('MaxMessageLengthExceeded');
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_MAX) {
        body.removeAllListeners('data');
        body.pause();
        reject(new S3Error('MaxMessageLengthExceeded'));
      } else if (size <= limit) chunks.push(chunk);
    });
    body.on('end', () => (size > limit ? reject(new S3Error('MaxMessageLengthExceeded')) : resolve(Buffer.concat(chunks, size))));
    body.on('error', reject);
  });
  await verifyBuffer(expected, bytes);
  return bytes;
}
