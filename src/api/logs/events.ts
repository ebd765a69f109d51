// FilterLogEvents and GetLogEvents over the LogRepository. Both return at most 10,000
// events and about 1 MB a page, as CloudWatch does. Lines are read in (timestamp, id)
// order; the id doubles as the eventId, and ingestionTime is the line's timestamp
// (the store keeps no separate arrival time; the writer flushes within 200 ms).
import type { LogPosition, LogRepository } from '../../store/ports.js';
import type { Scope, StoredLogEvent } from '../../store/records.js';
import { constraintViolation, groupNotFound, invalidParameter, streamNotFound } from './errors.js';
import { compileFilterPattern, FilterPatternError, type LogMatcher } from './filter-pattern.js';
import { groupExists, resolveLogGroup } from './group-ref.js';
import { decodeStreamToken, decodeToken, encodeStreamToken, encodeToken, isPosition } from './tokens.js';
import { checkLength, exclusive, filterLogEventsBody, getLogEventsBody, limitOf, parseBody, timeOf } from './wire.js';

export const MAX_EVENTS = 10_000;
/** CloudWatch's page size cap; counted as message bytes plus a small per-event allowance. */
const MAX_PAGE_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
/** FilterLogEvents reads lines in batches and looks at no more than this many per call. */
const SCAN_BATCH = 1000;
const SCAN_BUDGET = 50_000;

const positionOf = (e: StoredLogEvent): LogPosition => ({ timestamp: e.timestamp, id: e.id });
const sizeOf = (e: StoredLogEvent): number => Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;

export const eventIdOf = (e: StoredLogEvent): string => String(e.id).padStart(56, '0');

function matcherOf(pattern: string | undefined): LogMatcher {
  checkLength('filterPattern', pattern, 0, 1024);
  try {
    return compileFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern: ${err.message}`);
    throw err;
  }
}

export async function filterLogEvents(logs: LogRepository, scope: Scope, raw: Buffer): Promise<Record<string, unknown>> {
  const body = parseBody(filterLogEventsBody, raw);
  const group = resolveLogGroup(scope, body);
  exclusive('logStreamNames', body.logStreamNames, 'logStreamNamePrefix', body.logStreamNamePrefix);
  const streams = body.logStreamNames;
  if (streams !== undefined && (streams.length < 1 || streams.length > 100)) {
    throw constraintViolation('logStreamNames', `[${streams.join(', ')}]`, 'Member must have length less than or equal to 100 and greater than or equal to 1');
  }
  const limit = limitOf(body.limit, MAX_EVENTS);
  const from = timeOf('startTime', body.startTime);
  const endTime = timeOf('endTime', body.endTime);
  const matches = matcherOf(body.filterPattern);
  let position = body.nextToken === undefined ? undefined : decodeToken(body.nextToken, isPosition);

  // endTime is inclusive here ("events with a timestamp later than this time are not returned").
  const scan = { ...group, logStreams: streams, logStreamPrefix: body.logStreamNamePrefix, from, until: endTime === undefined ? undefined : endTime + 1 };
  const batch = body.filterPattern?.trim() ? SCAN_BATCH : Math.min(SCAN_BATCH, limit + 1);
  const events: StoredLogEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let more = true;
  read: while (scanned < SCAN_BUDGET) {
    const rows = await logs.scan({ ...scan, position, limit: batch });
    for (const [i, row] of rows.entries()) {
      if (matches(row.message)) {
        if (events.length > 0 && bytes + sizeOf(row) > MAX_PAGE_BYTES) break read; // this line starts the next page
        events.push(row);
        bytes += sizeOf(row);
      }
      position = positionOf(row);
      scanned++;
      if (events.length >= limit) {
        more = i < rows.length - 1 || rows.length === batch;
        break read;
      }
    }
    if (rows.length < batch) {
      more = false;
      break;
    }
  }
  if (scanned === 0 && body.nextToken === undefined && !(await groupExists(logs, group))) throw groupNotFound();
  const out: Record<string, unknown> = {
    events: events.map((e) => ({ logStreamName: e.logStream, timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp, eventId: eventIdOf(e) })),
    searchedLogStreams: [],
  };
  // A token only when there may be more; it always moves forward, so it never repeats.
  if (more && position !== undefined) out.nextToken = encodeToken(position);
  return out;
}

export async function getLogEvents(logs: LogRepository, scope: Scope, raw: Buffer): Promise<Record<string, unknown>> {
  const body = parseBody(getLogEventsBody, raw);
  const group = resolveLogGroup(scope, body);
  checkLength('logStreamName', body.logStreamName, 1, 512);
  const limit = limitOf(body.limit, MAX_EVENTS);
  // startTime inclusive, endTime exclusive ("equal to or later than this time are not included").
  const from = timeOf('startTime', body.startTime);
  const until = timeOf('endTime', body.endTime);
  const token = body.nextToken === undefined ? undefined : decodeStreamToken(body.nextToken);
  // Without a token the newest page comes back unless startFromHead asks for the oldest.
  const direction = token?.direction ?? (body.startFromHead === true ? 'f' : 'b');

  const rows = await logs.scan({ ...group, logStreams: [body.logStreamName], from, until, position: token?.position, newestFirst: direction === 'b', limit });
  if (rows.length === 0) {
    if (!(await groupExists(logs, group))) throw groupNotFound();
    if ((await logs.scan({ ...group, logStreams: [body.logStreamName], limit: 1 })).length === 0) throw streamNotFound();
  }
  const page: StoredLogEvent[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (page.length > 0 && bytes + sizeOf(row) > MAX_PAGE_BYTES) break;
    page.push(row);
    bytes += sizeOf(row);
  }
  if (direction === 'b') page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // At the end of the stream the token given comes back unchanged (the documented contract).
  const here = token?.position ?? { timestamp: from ?? 0, id: 0 };
  return {
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp })),
    nextForwardToken: encodeStreamToken('f', last ? positionOf(last) : here),
    nextBackwardToken: encodeStreamToken('b', first ? positionOf(first) : here),
  };
}
