// `nimbus logs`: a function's log lines through the CloudWatch Logs API (FilterLogEvents
// on /aws/lambda/<name>), like `aws logs tail`. --follow polls every second until
// SIGINT. An invocation's lines reach the store when it ends, stamped with the times
// they were written, so each poll looks back one function timeout (plus a margin) and
// skips the event ids it has printed: late lines still show, none shows twice.
import { setTimeout as sleep } from 'node:timers/promises';
// Types only: the Logs SDK is loaded when this command runs, not with every command.
import type { CloudWatchLogsClient, FilteredLogEvent, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { API_OPTIONS, API_OPTIONS_HELP, connect, describeApiError, type Api } from '../client.js';
import { booleanFlag, CliError, onePositional, stringFlag, usageError, type CliCommand, type CliIo } from '../command.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const POLL_MS = 1000;
const LATE_MARGIN_MS = 5000;
const DEFAULT_TIMEOUT_S = 900;

/** `--since`: `<n><s|m|h|d|w>` before now, or an ISO-8601 time. */
export function parseSince(value: string, now: number): number {
  const relative = /^(\d+)([smhdw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  const absolute = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isNaN(absolute)) return absolute;
  throw usageError(`--since must be a duration such as 30s, 10m, 2h, 1d or 1w, or an ISO time such as 2024-05-01T12:00:00Z; got '${value}'`);
}

class GroupMissing extends Error {}

interface Reader {
  /** Every event from `startTime` on, all pages. */
  read(startTime: number, signal: AbortSignal): Promise<FilteredLogEvent[]>;
}

interface LogsSdk {
  readonly client: CloudWatchLogsClient;
  readonly FilterLogEventsCommand: typeof FilterLogEventsCommand;
}

function reader(api: Api, sdk: LogsSdk, group: string, filterPattern: string | undefined): Reader {
  return {
    async read(startTime, signal) {
      const events: FilteredLogEvent[] = [];
      let nextToken: string | undefined;
      do {
        let page;
        try {
          page = await sdk.client.send(new sdk.FilterLogEventsCommand({ logGroupName: group, startTime, filterPattern, nextToken }), { abortSignal: signal });
        } catch (err) {
          if ((err as Error).name === 'ResourceNotFoundException') throw new GroupMissing();
          if (signal.aborted) throw err;
          throw new CliError(describeApiError(err, api.endpoint));
        }
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      return events;
    },
  };
}

function printer(io: CliIo, json: boolean): (e: FilteredLogEvent) => void {
  return (e) => {
    if (json) io.out(JSON.stringify({ timestamp: e.timestamp, logStreamName: e.logStreamName, eventId: e.eventId, message: e.message }));
    // The runtime writes a message's own newlines as \r to keep it one event; show them as lines.
    else io.out((e.message ?? '').trimEnd().replace(/\r/g, '\n'));
  };
}

/** How far back a line can still arrive: the function's timeout, plus a margin. */
async function lateWindow(api: Api, name: string): Promise<number> {
  try {
    const config = await api.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return (config.Timeout ?? DEFAULT_TIMEOUT_S) * 1000 + LATE_MARGIN_MS;
  } catch {
    return DEFAULT_TIMEOUT_S * 1000 + LATE_MARGIN_MS; // deleted, or not reachable yet: assume the longest
  }
}

async function follow(api: Api, name: string, source: Reader, print: (e: FilteredLogEvent) => void, since: number, io: CliIo): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const window = await lateWindow(api, name);
    const printed = new Map<string, number>(); // eventId -> timestamp, for the look-back window
    let newest = since;
    let waiting = false;
    while (!stop.signal.aborted) {
      try {
        const events = await source.read(Math.max(since, newest - window), stop.signal);
        waiting = false;
        for (const e of events) {
          const id = e.eventId ?? `${e.timestamp}:${e.logStreamName}:${e.message}`;
          if (printed.has(id)) continue;
          printed.set(id, e.timestamp ?? 0);
          newest = Math.max(newest, e.timestamp ?? 0);
          print(e);
        }
        for (const [id, at] of printed) if (at < newest - window) printed.delete(id);
      } catch (err) {
        if (stop.signal.aborted) break;
        if (!(err instanceof GroupMissing)) throw err;
        if (!waiting) io.err(`waiting for log group /aws/lambda/${name} (it is created at the function's first invocation)…`);
        waiting = true;
      }
      await sleep(POLL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "Print a function's log lines (CloudWatch Logs API)",
  usage: [
    'logs <name> [options]',
    '',
    'Prints the lines of log group /aws/lambda/<name> in time order: START, END, REPORT and the',
    "function's own output. `aws logs tail /aws/lambda/<name>` reads the same lines.",
    '',
    'options:',
    '  --since T          from T ago (30s, 10m, 2h, 1d, 1w) or from an ISO time (default 10m)',
    '  --follow           keep printing new lines until Ctrl-C',
    '  --filter PATTERN   CloudWatch filter pattern: terms, "a phrase", ?either ?or, -not, %regex%',
    API_OPTIONS_HELP.replace('print the API response as JSON', 'print one JSON object per line'),
  ].join('\n'),
  options: {
    since: { type: 'string' },
    follow: { type: 'boolean' },
    filter: { type: 'string' },
    ...API_OPTIONS,
  },
  async run({ values, positionals, io }) {
    const name = onePositional(positionals, 'function name');
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw usageError(`'${name}' is not a function name (letters, digits, '-' and '_', at most 64)`);
    const since = parseSince(stringFlag(values, 'since') ?? '10m', Date.now());
    const api = connect(values, io.env);
    const sdk = { client: await api.logs(), FilterLogEventsCommand: (await import('@aws-sdk/client-cloudwatch-logs')).FilterLogEventsCommand };
    const source = reader(api, sdk, `/aws/lambda/${name}`, stringFlag(values, 'filter'));
    const print = printer(io, booleanFlag(values, 'json'));
    try {
      if (booleanFlag(values, 'follow')) return await follow(api, name, source, print, since, io);
      let events;
      try {
        events = await source.read(since, new AbortController().signal);
      } catch (err) {
        if (err instanceof GroupMissing) throw new CliError(`no logs for ${name}: log group /aws/lambda/${name} does not exist (it is created at the function's first invocation)`);
        throw err;
      }
      events.forEach(print);
      return 0;
    } finally {
      sdk.client.destroy();
    }
  },
};
