// S3 lists keys in UTF-8 byte order, which is Unicode code point order. (JavaScript's
// `<` compares UTF-16 code units, which disagrees for characters above U+FFFF, so
// ordering is left to the store; only bounds are computed here, by code point.)

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string greater than every string that starts with `prefix`, or
 * undefined when there is none (empty prefix, or only U+10FFFF): keys starting with
 * `prefix` are exactly those in [prefix, keyCeiling(prefix)).
 */
export function keyCeiling(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last === MAX_CODE_POINT) continue;
    // Surrogate code points are not characters; the next one after U+D7FF is U+E000.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return String.fromCodePoint(...points, next);
  }
  return undefined;
}
