// The MD5 digests SQS returns with every message, computed as SQS computes them, since
// SDKs check them (SDK v3 the body's, the Java SDK also the attributes'). For attributes:
// names in sorted order; for each, the 4-byte big-endian length and UTF-8 bytes of the
// name, then of the data type, then a transport byte (1 string, 2 binary) and the length
// and bytes of the value. (AWS SDK for Java MessageMD5ChecksumHandler; recorded values in
// test/unit/sqs-md5.test.ts.)
import { createHash, type Hash } from 'node:crypto';
import type { MessageAttributes } from '../store/queue-ports.js';

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function updateLengthPrefixed(hash: Hash, bytes: Buffer): void {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  hash.update(length).update(bytes);
}

/** MD5OfMessageAttributes / MD5OfMessageSystemAttributes; undefined for no attributes. */
export function md5OfAttributes(attributes: MessageAttributes): string | undefined {
  // Plain < comparison = UTF-16 code unit order, the order of Java's TreeMap of Strings.
  const names = Object.keys(attributes).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const value = attributes[name];
    if (!value) continue;
    updateLengthPrefixed(hash, Buffer.from(name, 'utf8'));
    updateLengthPrefixed(hash, Buffer.from(value.dataType, 'utf8'));
    if (value.stringValue !== undefined) {
      hash.update(Buffer.of(STRING_TRANSPORT));
      updateLengthPrefixed(hash, Buffer.from(value.stringValue, 'utf8'));
    } else if (value.binaryValue !== undefined) {
      hash.update(Buffer.of(BINARY_TRANSPORT));
      updateLengthPrefixed(hash, Buffer.from(value.binaryValue, 'base64'));
    }
  }
  return hash.digest('hex');
}
