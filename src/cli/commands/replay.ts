// `nimbus replay <trace-dir>`: plays an invocation trace in the Azure Functions 2019 format
// through the real scheduler in virtual time and reports cold starts and idle memory-time
// per keep-alive policy. Runs locally (no platform needed): a simulation of the scheduling
// policy, not of sandboxes (docs/keep-alive.md).
import path from 'node:path';
import type { KeepAlivePolicyName } from '../../runtime/keep-alive/policy.js';
import { readAzureTrace, TraceFormatError } from '../../runtime/replay/azure-trace.js';
import { compare, replayPolicies } from '../../runtime/replay/compare.js';
import { REPLAY_DEFAULTS } from '../../runtime/replay/replay.js';
import { CliError, booleanFlag, onePositional, stringFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

const POLICIES: Readonly<Record<string, readonly KeepAlivePolicyName[]>> = { fixed: ['fixed'], adaptive: ['adaptive'], both: ['fixed', 'adaptive'] };

/** A number flag within [min, max], or a usage error naming the flag. */
function numberFlag(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number, integer = false): number {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw usageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

const signed = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(1)} %`;

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'Replay an Azure Functions trace through the scheduler; compare keep-alive policies',
  usage: [
    'replay <trace-dir> [--policy fixed|adaptive|both] [--keep-alive-minutes 10] [--seed 1] [--cold-start-ms 100] [--arrivals spread|minute-start] [--json]',
    '',
    '<trace-dir> holds invocations.csv, durations.csv and memory.csv in the Azure Functions 2019 format.',
    '',
    'options:',
    '  --policy               keep-alive policy to replay (default both)',
    '  --keep-alive-minutes   the fixed keep-alive, also the adaptive policy\'s fallback (default 10)',
    '  --seed                 spreads each minute\'s calls within it and draws their durations (default 1)',
    '  --cold-start-ms        virtual time an instance takes to start (default 100)',
    '  --arrivals             spread: calls at random instants of their minute, running for durations drawn',
    '                         from the trace (default); minute-start: all at the minute\'s start, taking no time',
    '                         (the model of per-minute analyses, to check against their numbers)',
    '  --json                 print the reports as JSON',
  ].join('\n'),
  options: { policy: { type: 'string' }, 'keep-alive-minutes': { type: 'string' }, seed: { type: 'string' }, 'cold-start-ms': { type: 'string' }, arrivals: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals, io }) {
    const dir = path.resolve(io.cwd, onePositional(positionals, 'trace directory'));
    const policyFlag = stringFlag(values, 'policy') ?? 'both';
    const policies = POLICIES[policyFlag];
    if (!policies) throw usageError(`--policy must be fixed, adaptive or both, got '${policyFlag}'`);
    const keepAliveMinutes = numberFlag(values, 'keep-alive-minutes', 10, 0.01, 1440);
    const seed = numberFlag(values, 'seed', REPLAY_DEFAULTS.seed, 0, 2 ** 31 - 1, true);
    const coldStartMs = numberFlag(values, 'cold-start-ms', REPLAY_DEFAULTS.coldStartMs, 0, 600_000);
    const arrivals = stringFlag(values, 'arrivals') ?? 'spread';
    if (arrivals !== 'spread' && arrivals !== 'minute-start') throw usageError(`--arrivals must be spread or minute-start, got '${arrivals}'`);
    let trace;
    try {
      trace = await readAzureTrace(dir);
    } catch (err) {
      if (err instanceof TraceFormatError) throw new CliError(err.message, 1);
      throw err;
    }
    const reports = await replayPolicies(trace, policies, { keepAliveMs: keepAliveMinutes * 60_000, seed, coldStartMs, arrivals });
    const comparison = compare(reports);
    if (booleanFlag(values, 'json')) {
      io.out(JSON.stringify({ trace: dir, seed, coldStartMs, arrivals, reports, ...(comparison ? { comparison } : {}) }, null, 2));
      return 0;
    }
    const first = reports[0];
    io.out(`${trace.functions.length} functions, ${trace.minutes} minutes, ${first?.invocations ?? 0} calls (arrivals ${arrivals}, seed ${seed}, cold start ${coldStartMs} ms, keep-alive ${keepAliveMinutes} min)`);
    const rows = reports.map((r) => [
      r.policy, String(r.coldStarts), `${r.coldStartPercent.toFixed(3)} %`, String(r.scaleOutColdStarts), r.idleGbSeconds.toFixed(0),
      String(r.instanceStarts), `${(r.wallMs / 1000).toFixed(1)} s`,
    ]);
    for (const line of table(['POLICY', 'COLD-STARTS', 'COLD-%', 'SCALE-OUT-COLD', 'IDLE-GB-S', 'INSTANCE-STARTS', 'WALL'], rows)) io.out(line);
    if (comparison) {
      io.out(`adaptive vs fixed: cold starts ${signed(comparison.coldStartChangePercent)}, idle GB-s ${signed(comparison.idleChangePercent)}${comparison.betterOnBoth ? ' (better on both)' : ''}`);
    }
    return 0;
  },
};
