// Human output: aligned columns and `key: value` lines. Machine output is --json.

/** Pads every column but the last to its widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `key: value` lines with the values aligned; undefined values are left out. */
export function keyValues(pairs: readonly (readonly [string, string | number | undefined])[]): string[] {
  const present = pairs.filter((p): p is readonly [string, string | number] => p[1] !== undefined);
  const width = Math.max(0, ...present.map(([key]) => key.length + 1));
  return present.map(([key, value]) => `${(key + ':').padEnd(width)} ${value}`.trimEnd());
}

/** JSON for --json: the SDK's `$metadata` is transport detail, not part of the answer. */
export function toJson(output: object): string {
  const { $metadata: _metadata, ...rest } = output as { $metadata?: unknown };
  return JSON.stringify(rest, null, 2);
}
