// `nimbus replay` on small traces written here in the Azure Functions 2019 format, whose
// cold starts under the fixed keep-alive can be counted by hand; malformed traces are
// refused with the file and line at fault.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { readAzureTrace, TraceFormatError } from '../../src/runtime/replay/azure-trace.js';
import { durationAt } from '../../src/runtime/replay/arrivals.js';
import { replayTrace, type ReplayReport } from '../../src/runtime/replay/replay.js';

const base = await mkdtemp(path.join(os.tmpdir(), 'nimbus-replay-test-'));
after(() => rm(base, { recursive: true, force: true }));

interface FunctionRow { hash: string; calls: Record<number, number>; durationMs: number; memoryMb: number }

/** Writes a trace of `minutes` minutes (columns 1..minutes) for the given functions. */
async function writeTrace(name: string, minutes: number, functions: readonly FunctionRow[]): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(dir, { recursive: true });
  const minuteColumns = Array.from({ length: minutes }, (_, i) => String(i + 1));
  const invocations = [['HashOwner', 'HashApp', 'HashFunction', 'Trigger', ...minuteColumns].join(',')];
  const durations = ['HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100'];
  const memory = ['HashFunction,HashOwner,HashApp,SampleCount,AverageAllocatedMb'];
  for (const f of functions) {
    invocations.push(['owner', 'app', f.hash, 'http', ...minuteColumns.map((_, i) => String(f.calls[i] ?? 0))].join(','));
    durations.push(['owner', 'app', f.hash, f.durationMs, 1, f.durationMs, f.durationMs, ...Array<number>(7).fill(f.durationMs)].join(','));
    memory.push([f.hash, 'owner', 'app', 1, f.memoryMb].join(','));
  }
  await writeFile(path.join(dir, 'invocations.csv'), invocations.join('\n') + '\n');
  await writeFile(path.join(dir, 'durations.csv'), durations.join('\n') + '\n');
  await writeFile(path.join(dir, 'memory.csv'), memory.join('\n') + '\n');
  return dir;
}

// Cold starts under a fixed 10-minute keep-alive, whatever the seed:
// - sparse: calls in minutes 0, 5, 20 and 45 (0-based): gaps of about 5 (warm), 15 and 25 (cold) minutes → 3
// - overlapping: two 2-minute calls within minute 10 (the second needs a second instance), one in minute 30 → 3, 1 of them scale-out
// - steady: one 1 ms call every minute → 1
// - idle: never called → 0
const SMALL: readonly FunctionRow[] = [
  { hash: 'sparse', calls: { 0: 1, 5: 1, 20: 1, 45: 1 }, durationMs: 100, memoryMb: 128 },
  { hash: 'overlapping', calls: { 10: 2, 30: 1 }, durationMs: 120_000, memoryMb: 256 },
  { hash: 'steady', calls: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [i, 1])), durationMs: 0, memoryMb: 64 },
  { hash: 'idle', calls: {}, durationMs: 50, memoryMb: 64 },
];

test('the fixed policy\'s cold starts on a small trace are exactly those counted by hand, for any seed', async () => {
  const trace = await readAzureTrace(await writeTrace('small', 60, SMALL));
  assert.deepEqual([trace.firstMinute, trace.minutes, trace.functions.length], [1, 60, 4]);
  for (const seed of [1, 2, 3, 99]) {
    const report = await replayTrace(trace, { policy: 'fixed', keepAliveMs: 10 * 60_000, seed });
    assert.deepEqual(
      { invocations: report.invocations, coldStarts: report.coldStarts, scaleOut: report.scaleOutColdStarts, failed: report.failedCalls },
      { invocations: 4 + 3 + 60, coldStarts: 3 + 3 + 1, scaleOut: 1, failed: 0 },
      `seed ${seed}`,
    );
  }
});

test('minute-start arrivals reproduce the per-minute model: a call is cold when its function\'s last active minute is over 10 minutes back', async () => {
  // Active minutes with gaps on both sides of 10 minutes, some with bursts of calls.
  const gaps = [1, 10, 11, 3, 9, 12, 10, 25, 2, 11, 40];
  const pattern = (seed: number): Record<number, number> => {
    const calls: Record<number, number> = {};
    for (let m = seed, k = seed; m < 240; m += gaps[k % gaps.length] as number, k++) calls[m] = 1 + (k % 3);
    return calls;
  };
  const rows = [1, 2, 3, 4, 5].map((s) => ({ hash: `f${s}`, calls: pattern(s), durationMs: 5000, memoryMb: 128 }));
  const trace = await readAzureTrace(await writeTrace('per-minute', 240, rows));
  let expected = 0;
  for (const row of rows) {
    let last: number | undefined;
    for (let m = 0; m < 240; m++) {
      if ((row.calls[m] ?? 0) === 0) continue;
      if (last === undefined || m - last > 10) expected++;
      last = m;
    }
  }
  const report = await replayTrace(trace, { policy: 'fixed', keepAliveMs: 10 * 60_000, arrivals: 'minute-start' });
  assert.ok(expected > 20, `the pattern has gaps on both sides of 10 minutes (${expected})`);
  assert.equal(report.coldStarts - report.scaleOutColdStarts, expected, 'calls that found no instance at all');
  assert.equal(report.scaleOutColdStarts, report.instanceStarts - expected, 'every other start served a burst');
});

test('idle memory-time: one call keeps its instance idle for the keep-alive, counted up to the end of the trace', async () => {
  const once = await readAzureTrace(await writeTrace('once', 30, [{ hash: 'once', calls: { 0: 1 }, durationMs: 1000, memoryMb: 1024 }]));
  const report = await replayTrace(once, { policy: 'fixed', keepAliveMs: 10 * 60_000 });
  assert.ok(report.idleGbSeconds >= 600 && report.idleGbSeconds <= 601, `1 GB for 600 s, give or take the reaper's second: ${report.idleGbSeconds}`);
  const late = await readAzureTrace(await writeTrace('late', 30, [{ hash: 'late', calls: { 29: 1 }, durationMs: 1000, memoryMb: 1024 }]));
  assert.ok((await replayTrace(late, { policy: 'fixed', keepAliveMs: 10 * 60_000 })).idleGbSeconds <= 60, 'no idle time past the trace');
});

test('a periodic function: the adaptive policy has fewer cold starts and less idle memory-time than the fixed one', async () => {
  const calls = Object.fromEntries(Array.from({ length: 16 }, (_, k) => [k * 30, 1]));
  const trace = await readAzureTrace(await writeTrace('periodic', 480, [{ hash: 'periodic', calls, durationMs: 2000, memoryMb: 512 }]));
  const fixed = await replayTrace(trace, { policy: 'fixed', keepAliveMs: 10 * 60_000 });
  const adaptive = await replayTrace(trace, { policy: 'adaptive', keepAliveMs: 10 * 60_000 });
  assert.equal(fixed.coldStarts, 16);
  assert.ok(adaptive.coldStarts < fixed.coldStarts && adaptive.idleGbSeconds < fixed.idleGbSeconds, JSON.stringify({ fixed, adaptive }));
  assert.equal(adaptive.modes?.histogram, 1);
});

test('durations are drawn linearly between the trace\'s percentiles', () => {
  const table = [[0, 0], [1, 10], [25, 10], [50, 100], [75, 200], [99, 1000], [100, 5000]] as const;
  assert.equal(durationAt(table, 0), 0);
  assert.equal(durationAt(table, 0.005), 5);
  assert.equal(durationAt(table, 0.375), 55);
  assert.equal(durationAt(table, 0.995), 3000);
});

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, cwd: base };
}

test('nimbus replay prints both policies and how adaptive compares; --json gives the reports', async () => {
  await writeTrace('cli', 60, SMALL);
  const text = captureIo();
  assert.equal(await main(['replay', 'cli'], text), 0, text.stderr.join('\n'));
  assert.match(text.stdout[0] ?? '', /^4 functions, 60 minutes, 67 calls \(arrivals spread, seed 1/);
  assert.match(text.stdout[2] ?? '', /^fixed\s+7\s+10\.448 %\s+1\s/);
  assert.match(text.stdout[3] ?? '', /^adaptive\s+\d+/);
  assert.match(text.stdout[4] ?? '', /^adaptive vs fixed: cold starts [-+]?\d/);
  const json = captureIo();
  assert.equal(await main(['replay', path.join(base, 'cli'), '--policy', 'fixed', '--json', '--seed', '5'], json), 0);
  const out = JSON.parse(json.stdout.join('\n')) as { seed: number; reports: ReplayReport[] };
  assert.equal(out.seed, 5);
  assert.deepEqual(out.reports.map((r) => [r.policy, r.coldStarts, r.invocations]), [['fixed', 7, 67]]);
});

test('nimbus replay: a bad command line exits 2, a bad trace exits 1, each saying what is wrong', async () => {
  const cases: [string[], number, RegExp][] = [
    [['replay'], 2, /missing trace directory/],
    [['replay', 'cli', '--policy', 'lru'], 2, /--policy must be fixed, adaptive or both, got 'lru'/],
    [['replay', 'cli', '--keep-alive-minutes', '0'], 2, /--keep-alive-minutes must be a number from 0\.01 to 1440, got '0'/],
    [['replay', 'cli', '--seed', '1.5'], 2, /--seed must be an integer from 0 to 2147483647, got '1.5'/],
    [['replay', 'cli', '--arrivals', 'poisson'], 2, /--arrivals must be spread or minute-start, got 'poisson'/],
    [['replay', 'nowhere'], 1, /nowhere\/invocations\.csv: no such file/],
  ];
  for (const [argv, code, message] of cases) {
    const io = captureIo();
    assert.equal(await main(argv, io), code, argv.join(' '));
    assert.match(io.stderr[0] ?? '', message);
  }
});

test('malformed traces are refused with the file, line and column at fault', async () => {
  const dir = await writeTrace('broken', 3, [{ hash: 'a', calls: { 0: 1 }, durationMs: 10, memoryMb: 128 }]);
  const invocations = path.join(dir, 'invocations.csv');
  const refused = async (text: string, file: string, message: RegExp): Promise<void> => {
    await writeFile(path.join(dir, file), text);
    await assert.rejects(readAzureTrace(dir), (err: unknown) => err instanceof TraceFormatError && message.test(err.message));
  };
  await refused('HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,a,http,1,-2,0\n', 'invocations.csv', /invocations\.csv line 2, 2: expected a whole number ≥ 0, got '-2'/);
  await refused('HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,a,http,1,0.5,0\n', 'invocations.csv', /line 2, 2: expected a whole number/);
  await refused('HashOwner,HashApp,HashFunction,Trigger,1,3\no,a,a,http,1,0\n', 'invocations.csv', /minute columns must be consecutive/);
  await refused('HashOwner,HashApp,HashFunction,1,2,3\no,a,a,1,0,0\n', 'invocations.csv', /invocations\.csv: missing column\(s\) Trigger/);
  await refused('HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,a,http,1,0\n', 'invocations.csv', /invocations\.csv: .*(column|record)/i);
  await refused('HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,b,http,1,0,0\n', 'invocations.csv', /durations\.csv: no row for HashFunction b \(invocations\.csv line 2\)/);
  await writeFile(invocations, 'HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,a,http,1,0,0\n');
  await refused('HashFunction,AverageAllocatedMb\na,lots\n', 'memory.csv', /memory\.csv line 2, AverageAllocatedMb: expected a number ≥ 0, got 'lots'/);
});
