// What a client says about a body it sends, checked against what arrived: the length it
// declared, Content-MD5, a hex x-amz-content-sha256, and a flexible checksum
// (x-amz-checksum-*) sent as a header or, with aws-chunked bodies, as a trailer.
import type { ChecksumAlgorithm, DigestName, ObjectChecksum, WrittenData } from '../store/s3-ports.js';
import { createDigest } from '../store/blob/object-digests.js';
import { S3Error } from './errors.js';

export interface BodyExpectations {
  /** The decoded length the client declared (Content-Length or x-amz-decoded-content-length). */
  readonly size?: number | undefined;
  /** Content-MD5, base64. */
  readonly md5?: string | undefined;
  /** x-amz-content-sha256 when it is a hex digest. */
  readonly sha256?: string | undefined;
  readonly checksum?: {
    readonly algorithm: ChecksumAlgorithm;
    /** Base64; read after the body ended, since a trailer arrives last. Undefined: computed, not checked. */
    readonly value: () => string | undefined;
  } | undefined;
}

const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

/** Refuses malformed expectations before any byte is read. */
export function checkExpectations(expected: BodyExpectations): void {
  if (expected.md5 !== undefined && !MD5_BASE64.test(expected.md5)) throw new S3Error('InvalidDigest');
}

export function digestsFor(expected: BodyExpectations): DigestName[] {
  const names: DigestName[] = ['md5'];
  if (expected.sha256 !== undefined) names.push('sha256');
  const checksum = expected.checksum?.algorithm.toLowerCase() as DigestName | undefined;
  if (checksum !== undefined && !names.includes(checksum)) names.push(checksum);
  return names;
}

/** Throws the S3 error for the first expectation the body does not meet. */
export function verifyBody(expected: BodyExpectations, written: Omit<WrittenData, 'fileId'>): void {
  if (expected.size !== undefined && written.size !== expected.size) throw new S3Error('IncompleteBody');
  const md5 = written.digests.md5?.toString('base64');
  if (expected.md5 !== undefined && md5 !== expected.md5) {
    throw new S3Error('BadDigest', undefined, { ExpectedDigest: expected.md5, CalculatedDigest: md5 ?? '' });
  }
  if (expected.sha256 !== undefined && written.digests.sha256?.toString('hex') !== expected.sha256) {
    throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: expected.sha256, S3ComputedContentSHA256: written.digests.sha256?.toString('hex') ?? '' });
  }
  const claimed = expected.checksum?.value();
  if (expected.checksum && claimed !== undefined && checksumOf(expected.checksum.algorithm, written)?.value !== claimed) {
    throw new S3Error('BadDigest', `The ${expected.checksum.algorithm} you specified did not match the calculated checksum.`);
  }
}

export function checksumOf(algorithm: ChecksumAlgorithm | undefined, written: Omit<WrittenData, 'fileId'>): ObjectChecksum | undefined {
  const raw = algorithm === undefined ? undefined : written.digests[algorithm.toLowerCase() as DigestName];
  return algorithm === undefined || raw === undefined ? undefined : { algorithm, value: raw.toString('base64') };
}

/** verifyBody for a body held in memory (XML documents). */
export async function verifyBuffer(expected: BodyExpectations, bytes: Buffer): Promise<void> {
  const digests: Partial<Record<DigestName, Buffer>> = {};
  for (const name of digestsFor(expected)) {
    const digest = createDigest(name);
    digest.update(bytes);
    digests[name] = await digest.digest();
  }
  verifyBody(expected, { size: bytes.length, digests });
}
