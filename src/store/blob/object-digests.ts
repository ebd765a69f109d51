// The digests an object write computes as its bytes go by: MD5 for the ETag, SHA-256
// for x-amz-content-sha256, and S3's flexible checksums (x-amz-checksum-*). CRC results
// are the big-endian bytes of the value, as S3 base64-encodes them.
import { createHash } from 'node:crypto';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { crc32 } from '../../util/crc32.js';
import type { DigestName } from '../s3-ports.js';

export interface Digest {
  update(chunk: Buffer): void;
  digest(): Promise<Buffer>;
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function nodeHash(algorithm: string): Digest {
  const hash = createHash(algorithm);
  return { update: (chunk) => hash.update(chunk), digest: () => Promise.resolve(hash.digest()) };
}

export function createDigest(name: DigestName): Digest {
  switch (name) {
    case 'md5':
    case 'sha1':
    case 'sha256':
      return nodeHash(name);
    case 'crc32': {
      let value = 0;
      return { update: (chunk) => (value = crc32(chunk, value)), digest: () => Promise.resolve(uint32(value)) };
    }
    case 'crc32c': {
      const crc = new Crc32c();
      return { update: (chunk) => crc.update(chunk), digest: () => Promise.resolve(uint32(crc.digest())) };
    }
    case 'crc64nvme': {
      const crc = new Crc64Nvme();
      return { update: (chunk) => crc.update(chunk), digest: async () => Buffer.from(await crc.digest()) };
    }
  }
}
