// DescribeLogGroups and DescribeLogStreams. A group or stream exists while it has lines
// (Lambda creates both on the first write, and retention removes old lines), so both
// are derived from the stored lines: creationTime is the first line's time.
import type { LogGroupSummary, LogRepository, LogStreamSummary } from '../../store/ports.js';
import type { Scope } from '../../store/records.js';
import { groupNotFound, invalidParameter } from './errors.js';
import { groupExists, logGroupArn, logStreamArn, resolveLogGroup } from './group-ref.js';
import { decodeToken, encodeToken } from './tokens.js';
import { checkLength, describeLogGroupsBody, describeLogStreamsBody, exclusive, limitOf, parseBody } from './wire.js';

const MAX_DESCRIBE = 50;
const GROUP_BATCH = 200;

function renderGroup(scope: Scope, g: LogGroupSummary): Record<string, unknown> {
  const arn = logGroupArn(scope, g.logGroup);
  return {
    logGroupName: g.logGroup, creationTime: g.firstTimestamp, metricFilterCount: 0, arn: `${arn}:*`,
    storedBytes: g.storedBytes, logGroupClass: 'STANDARD', logGroupArn: arn,
  };
}

const isGroupMarker = (v: unknown): v is { g: string } => typeof (v as { g?: unknown } | null)?.g === 'string';

export async function describeLogGroups(logs: LogRepository, scope: Scope, raw: Buffer): Promise<Record<string, unknown>> {
  const body = parseBody(describeLogGroupsBody, raw);
  exclusive('logGroupNamePrefix', body.logGroupNamePrefix, 'logGroupNamePattern', body.logGroupNamePattern);
  checkLength('logGroupNamePrefix', body.logGroupNamePrefix, 1, 512);
  checkLength('logGroupNamePattern', body.logGroupNamePattern, 0, 512);
  const limit = limitOf(body.limit, MAX_DESCRIBE);
  // logGroupNamePattern: a case-insensitive substring of the name (the model's wording).
  const pattern = body.logGroupNamePattern?.toLowerCase();
  let after = body.nextToken === undefined ? undefined : decodeToken(body.nextToken, isGroupMarker).g;
  const found: LogGroupSummary[] = [];
  // One more than asked tells whether a next page exists.
  for (;;) {
    const batch = await logs.listGroups(scope, { prefix: body.logGroupNamePrefix, after, limit: GROUP_BATCH });
    for (const g of batch) if (pattern === undefined || g.logGroup.toLowerCase().includes(pattern)) found.push(g);
    after = batch[batch.length - 1]?.logGroup;
    if (found.length > limit || batch.length < GROUP_BATCH) break;
  }
  const page = found.slice(0, limit);
  const out: Record<string, unknown> = { logGroups: page.map((g) => renderGroup(scope, g)) };
  const last = page[page.length - 1];
  if (found.length > limit && last !== undefined) out.nextToken = encodeToken({ g: last.logGroup });
  return out;
}

type StreamKey = [number, string];
const isStreamMarker = (v: unknown): v is { k: StreamKey } => {
  const k = (v as { k?: unknown } | null)?.k;
  return Array.isArray(k) && k.length === 2 && typeof k[0] === 'number' && typeof k[1] === 'string';
};

export async function describeLogStreams(logs: LogRepository, scope: Scope, raw: Buffer): Promise<Record<string, unknown>> {
  const body = parseBody(describeLogStreamsBody, raw);
  const group = resolveLogGroup(scope, body);
  checkLength('logStreamNamePrefix', body.logStreamNamePrefix, 1, 512);
  const orderBy = body.orderBy ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
  }
  if (orderBy === 'LastEventTime' && body.logStreamNamePrefix !== undefined) {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const limit = limitOf(body.limit, MAX_DESCRIBE);
  const marker = body.nextToken === undefined ? undefined : decodeToken(body.nextToken, isStreamMarker).k;

  const streams = await logs.listStreams({ ...group, prefix: body.logStreamNamePrefix });
  // Without streams the group has no lines, so it does not exist; with a prefix, ask.
  if (streams.length === 0 && (body.logStreamNamePrefix === undefined || !(await groupExists(logs, group)))) throw groupNotFound();

  const keyOf = (s: LogStreamSummary): StreamKey => [orderBy === 'LastEventTime' ? s.lastTimestamp : 0, s.logStream];
  const sign = body.descending === true ? -1 : 1;
  const compare = (a: StreamKey, b: StreamKey): number => sign * (a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const sorted = [...streams].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = marker === undefined ? sorted : sorted.filter((s) => compare(keyOf(s), marker) > 0);
  const page = rest.slice(0, limit);
  const out: Record<string, unknown> = {
    logStreams: page.map((s) => ({
      logStreamName: s.logStream, creationTime: s.firstTimestamp, firstEventTimestamp: s.firstTimestamp,
      lastEventTimestamp: s.lastTimestamp, lastIngestionTime: s.lastTimestamp,
      arn: logStreamArn(group, group.logGroup, s.logStream), storedBytes: 0,
    })),
  };
  const last = page[page.length - 1];
  if (rest.length > limit && last !== undefined) out.nextToken = encodeToken({ k: keyOf(last) });
  return out;
}
