// `nimbus events [name]`: asynchronous events — queued, running, retried, failed — with
// their attempts and last error, from the platform's admin API.
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { adminRequest } from '../admin-request.js';
import { booleanFlag, stringFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

interface EventView {
  RequestId: string; FunctionName: string; Status: string; Attempts: number; Tries: number; CreatedAt: string;
  NextAttemptAt?: string; LastError?: string; Source: string;
}

const STATUSES = ['queued', 'leased', 'succeeded', 'failed'];

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'List asynchronous events: queued, running, retried and failed',
  usage: ['events [name] [--status queued|leased|succeeded|failed] [--limit N] [options]', '', 'options:', API_OPTIONS_HELP].join('\n'),
  options: { ...API_OPTIONS, status: { type: 'string' }, limit: { type: 'string' } },
  async run({ values, positionals, io }) {
    if (positionals.length > 1) throw usageError(`expected at most one function name, got ${positionals.length}`);
    const status = stringFlag(values, 'status');
    if (status !== undefined && !STATUSES.includes(status)) throw usageError(`--status must be one of ${STATUSES.join(', ')}, got '${status}'`);
    const limit = stringFlag(values, 'limit') ?? '100';
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw usageError(`--limit must be an integer 1–1000, got '${limit}'`);
    const api = connect(values, io.env);
    const query = new URLSearchParams({ limit });
    if (positionals[0] !== undefined) query.set('function', positionals[0]);
    if (status !== undefined) query.set('status', status);
    const body = await adminRequest<{ Events?: EventView[] }>(api, 'GET', `/events?${query.toString()}`);
    const events = body?.Events ?? [];
    if (booleanFlag(values, 'json')) {
      io.out(JSON.stringify(events, null, 2));
      return 0;
    }
    if (events.length === 0) {
      io.out('no events');
      return 0;
    }
    const rows = events.map((e) => [e.RequestId, e.FunctionName, e.Status, String(e.Attempts), String(e.Tries), e.CreatedAt, e.NextAttemptAt ?? '', (e.LastError ?? '').slice(0, 80)]);
    for (const line of table(['REQUEST-ID', 'FUNCTION', 'STATUS', 'ATTEMPTS', 'TRIES', 'CREATED', 'NEXT-ATTEMPT', 'LAST-ERROR'], rows)) io.out(line);
    return 0;
  },
};
