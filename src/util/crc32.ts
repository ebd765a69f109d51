// CRC-32 (ISO-HDLC, the one zip uses). yauzl does not check entry CRCs, so the
// unpacker computes them itself. zlib.crc32 is native but only exists from Node
// 20.15; package.json allows 20.11, hence the table fallback.
import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function tableCrc32(data: Uint8Array, value = 0): number {
  let crc = ~value >>> 0;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Continues `value` (the CRC of the bytes before) over `data`; unsigned 32-bit. */
export const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? tableCrc32;

export { tableCrc32 as crc32Portable };
