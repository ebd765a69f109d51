// The Range header of a GET (RFC 7233 byte ranges, one range only, as S3 serves them):
// `bytes=a-b`, `bytes=a-` and the suffix form `bytes=-n`. A header that is not one
// well-formed range is ignored (the whole object is sent); a range that starts past the
// end, or any range of an empty object, is unsatisfiable (416 InvalidRange).

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

export type RangeResolution = ByteRange | 'whole' | 'unsatisfiable';

const RANGE = /^bytes=(\d*)-(\d*)$/;

export function resolveRange(header: string | undefined, size: number): RangeResolution {
  const match = header === undefined ? null : RANGE.exec(header.trim());
  if (!match) return 'whole';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'whole';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return 'whole'; // not a valid range: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
