// Shared by the schedule integration tests: the admin API as a client calls it, local
// times for at(), and a function that logs every event it gets.
import { logMessages, logsClient } from '../helpers/logs.js';
import type { RunningServer } from '../helpers/server.js';

export interface AdminAnswer {
  readonly status: number;
  /** x-amzn-ErrorType, on errors. */
  readonly errorType: string | null;
  readonly body: Record<string, unknown> & { message?: string };
}

export async function admin(server: RunningServer, method: string, path: string, body?: unknown): Promise<AdminAnswer> {
  const res = await fetch(`${server.url}/nimbus/v1/schedules${path}`, {
    method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: text === '' ? {} : (JSON.parse(text) as AdminAnswer['body']) };
}

/** The wall time `yyyy-mm-ddThh:mm:ss` in a zone at an instant, for at(). */
export function localTime(instant: number, zone: string): string {
  // Sweden writes dates as ISO does: "2024-06-01 12:00:00".
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(instant).replace(' ', 'T');
}

/** An at() expression for `secondsAhead` from now, in the zone. */
export function atExpression(secondsAhead: number, zone = 'UTC'): { expression: string; instant: number } {
  const instant = (Math.floor(Date.now() / 1000) + secondsAhead) * 1000;
  return { expression: `at(${localTime(instant, zone)})`, instant };
}

/** Logs each event as one line, then works for `sleepMs`. */
export function eventLogger(sleepMs = 0): Record<string, string> {
  return {
    'index.js': `exports.handler = async (event, context) => {
  console.log('EVENT ' + context.awsRequestId + ' ' + JSON.stringify(event));
  await new Promise((r) => setTimeout(r, ${sleepMs}));
  return 'ok';
};\n`,
  };
}

export interface LoggedEvent {
  readonly requestId: string;
  readonly event: Record<string, unknown>;
}

/** The events a function logged so far (each run once per line; a redelivery logs again). */
export async function loggedEvents(server: RunningServer, functionName: string): Promise<LoggedEvent[]> {
  const client = logsClient(server);
  try {
    return (await logMessages(client, functionName, '"EVENT"')).flatMap((m) => {
      const match = /\tEVENT ([0-9a-f-]{36}) (.*)$/s.exec(m.trimEnd());
      return match ? [{ requestId: match[1] ?? '', event: JSON.parse(match[2] ?? '{}') as Record<string, unknown> }] : [];
    });
  } finally {
    client.destroy();
  }
}

/** Polls until `check` accepts the logged events, or fails after `timeoutMs`. */
export async function waitForEvents(server: RunningServer, functionName: string, check: (events: LoggedEvent[]) => boolean, timeoutMs = 20_000): Promise<LoggedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events: LoggedEvent[] = [];
  while (Date.now() < deadline) {
    events = await loggedEvents(server, functionName);
    if (check(events)) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for events of ${functionName}; saw ${events.length}: ${JSON.stringify(events).slice(0, 2000)}`);
}
