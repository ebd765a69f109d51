// Invocations read back from a function's log (START/REPORT lines and runtime errors): what
// the dashboard shows when the platform has no metering endpoints.
import type { LogLine } from './api.js';
import type { Invocation } from './metrics.js';

const REPORT = /^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(?:Init Duration: ([\d.]+) ms\t)?(?:Status: (\w+))?/;
const START = /^START RequestId: (\S+) Version: (\S+)/;

export function invocationsFromLog(name: string, lines: readonly LogLine[]): Invocation[] {
  const versions = new Map<string, string>();
  const failed = new Set<string>();
  const out: Invocation[] = [];
  for (const line of lines) {
    const start = START.exec(line.message);
    if (start) versions.set(start[1] as string, start[2] as string);
    // The runtime's line for a handler that threw or rejected: `<time>\t<id>\tERROR\tInvoke Error …`.
    if (line.requestId && /\tERROR\tInvoke Error/.test(line.message)) failed.add(line.requestId);
    const m = REPORT.exec(line.message);
    if (!m) continue;
    const requestId = m[1] as string;
    const durationMs = Number(m[2]);
    out.push({
      requestId, function: name, version: versions.get(requestId) ?? '$LATEST', trigger: '–',
      start: line.timestamp - durationMs, durationMs, billedMs: Number(m[3]), memoryMb: Number(m[4]), maxMemoryUsedMb: Number(m[5]),
      initDurationMs: m[6] === undefined ? undefined : Number(m[6]), startType: m[6] === undefined ? 'warm' : 'cold',
      outcome: m[7] !== undefined ? m[7] : failed.has(requestId) ? 'error' : 'success', requestBytes: 0, responseBytes: 0, cost: undefined,
    });
  }
  return out.reverse(); // newest first, as the metering API lists them
}
