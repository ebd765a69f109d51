// A function's log lines for the dashboard's live tail, unsigned (the CloudWatch Logs
// surface wants a signature a browser cannot make):
//   GET /nimbus/v1/logs?function=NAME[&after=ID][&limit=N]
// Without `after`: the newest `limit` lines (default 100), oldest first. With `after`: the
// lines stored after that id, oldest first — poll with the returned `next` to follow.
// Errors in the admin surface's (Lambda's) shape.
import { invalidParameter } from '../../errors.js';
import { logGroupName } from '../../logs/platform-lines.js';
import type { LogRepository } from '../../store/ports.js';
import type { StoredLogEvent } from '../../store/records.js';
import type { Route } from '../http/types.js';

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LIMIT = 1000;

function integerParam(value: string | null, name: string, min: number, max: number, fallback: number | undefined): number | undefined {
  if (value === null) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw invalidParameter(name, `must be an integer from ${min} to ${max}`);
  return n;
}

function toJson(e: StoredLogEvent): Record<string, unknown> {
  return { id: e.id, timestamp: e.timestamp, logStream: e.logStream, requestId: e.requestId, message: e.message };
}

export function logsRoutes(logs: LogRepository): Route[] {
  return [{
    method: 'GET', path: '/nimbus/v1/logs', maxBodyBytes: 0,
    async handle(req) {
      const name = req.query.get('function') ?? '';
      if (!FUNCTION_NAME.test(name)) throw invalidParameter('function', 'must be a function name (1-64 letters, digits, - or _)');
      const after = integerParam(req.query.get('after'), 'after', 0, Number.MAX_SAFE_INTEGER, undefined);
      const limit = integerParam(req.query.get('limit'), 'limit', 1, MAX_LIMIT, 100) as number;
      const group = { ...req.scope, logGroup: logGroupName(name, undefined) };
      const events = after === undefined
        ? [...(await logs.scan({ ...group, newestFirst: true, limit }))].reverse()
        : await logs.query({ ...group, afterId: after, limit });
      // The cursor is the largest id seen: ids grow with every append, whatever the timestamps.
      const next = events.reduce((max, e) => Math.max(max, e.id), after ?? 0);
      return { status: 200, body: { events: events.map(toJson), next } };
    },
  }];
}
