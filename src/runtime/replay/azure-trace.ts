// Reads a trace in the format of the Azure Functions 2019 public dataset (Shahrad et al.,
// ATC'20): invocations.csv (calls per function per minute), durations.csv (percentiles of
// the execution time, ms) and memory.csv (average allocated MB). Functions are matched by
// HashFunction across the three files; every invoked function must have a duration and a
// memory row. Any defect is reported with its file and line.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export interface TraceFunction {
  readonly hash: string;
  readonly trigger: string;
  /** Calls in each minute of the trace. */
  readonly perMinute: readonly number[];
  /** [percentile, ms] pairs, percentiles ascending from 0 to 100. */
  readonly durationPercentiles: readonly (readonly [number, number])[];
  readonly memoryMb: number;
}

export interface AzureTrace {
  /** The first minute column's number (minute of the day). */
  readonly firstMinute: number;
  readonly minutes: number;
  readonly functions: readonly TraceFunction[];
}

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

const DURATION_PERCENTILES = [0, 1, 25, 50, 75, 99, 100] as const;

type Row = Record<string, string>;

async function readCsv(dir: string, file: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? `${path.join(dir, file)}: no such file (a trace directory holds invocations.csv, durations.csv and memory.csv)` : `${path.join(dir, file)}: ${(err as Error).message}`);
  }
  try {
    return parse<Row>(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new TraceFormatError(`${file}: ${(err as Error).message}`);
  }
}

function requireColumns(file: string, rows: readonly Row[], columns: readonly string[]): void {
  const first = rows[0];
  if (first === undefined) throw new TraceFormatError(`${file}: no rows`);
  const missing = columns.filter((c) => !(c in first));
  if (missing.length > 0) throw new TraceFormatError(`${file}: missing column(s) ${missing.join(', ')}`);
}

/** A number ≥ 0 from a cell, or a TraceFormatError naming where it is. */
function cellNumber(file: string, line: number, column: string, value: string | undefined, integer: boolean): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new TraceFormatError(`${file} line ${line}, ${column}: expected ${integer ? 'a whole number' : 'a number'} ≥ 0, got '${value ?? ''}'`);
  }
  return n;
}

/** Rows keyed by HashFunction; line numbers count the header as line 1. */
function byFunction(file: string, rows: readonly Row[]): Map<string, { row: Row; line: number }> {
  const out = new Map<string, { row: Row; line: number }>();
  rows.forEach((row, i) => {
    const hash = row.HashFunction ?? '';
    if (out.has(hash)) throw new TraceFormatError(`${file} line ${i + 2}: HashFunction ${hash} appears twice`);
    out.set(hash, { row, line: i + 2 });
  });
  return out;
}

export async function readAzureTrace(dir: string): Promise<AzureTrace> {
  // One after the other, so a missing file is always reported the same way.
  const invocations = await readCsv(dir, 'invocations.csv');
  const durations = await readCsv(dir, 'durations.csv');
  const memory = await readCsv(dir, 'memory.csv');
  requireColumns('invocations.csv', invocations, ['HashFunction', 'Trigger']);
  requireColumns('durations.csv', durations, ['HashFunction', ...DURATION_PERCENTILES.map((p) => `percentile_Average_${p}`)]);
  requireColumns('memory.csv', memory, ['HashFunction', 'AverageAllocatedMb']);
  const minuteColumns = Object.keys(invocations[0] as Row).filter((c) => /^\d+$/.test(c)).sort((a, b) => Number(a) - Number(b));
  if (minuteColumns.length === 0) throw new TraceFormatError('invocations.csv: no minute columns (named by minute number: 1, 2, … or 480, 481, …)');
  const firstMinute = Number(minuteColumns[0]);
  if (minuteColumns.some((c, i) => Number(c) !== firstMinute + i)) throw new TraceFormatError('invocations.csv: minute columns must be consecutive minute numbers');
  const durationRows = byFunction('durations.csv', durations);
  const memoryRows = byFunction('memory.csv', memory);
  const functions = invocations.map((row, i): TraceFunction => {
    const line = i + 2;
    const hash = row.HashFunction ?? '';
    if (hash === '') throw new TraceFormatError(`invocations.csv line ${line}: empty HashFunction`);
    const perMinute = minuteColumns.map((c) => cellNumber('invocations.csv', line, c, row[c], true));
    const d = durationRows.get(hash);
    if (!d) throw new TraceFormatError(`durations.csv: no row for HashFunction ${hash} (invocations.csv line ${line})`);
    const m = memoryRows.get(hash);
    if (!m) throw new TraceFormatError(`memory.csv: no row for HashFunction ${hash} (invocations.csv line ${line})`);
    const points = DURATION_PERCENTILES.map((p) => cellNumber('durations.csv', d.line, `percentile_Average_${p}`, d.row[`percentile_Average_${p}`], false));
    // Percentiles of per-interval averages need not be monotone; a sorted copy is a valid quantile function.
    const sorted = [...points].sort((a, b) => a - b);
    const memoryMb = cellNumber('memory.csv', m.line, 'AverageAllocatedMb', m.row.AverageAllocatedMb, false);
    return { hash, trigger: row.Trigger ?? '', perMinute, durationPercentiles: DURATION_PERCENTILES.map((p, k) => [p, sorted[k] as number] as const), memoryMb };
  });
  return { firstMinute, minutes: minuteColumns.length, functions };
}
