// From one object change and a bucket's Lambda notifications to the async events that
// deliver it: one per matching configuration, each continuing the change's trace chain
// with the target function's hop count one higher (the recursion guard reads it).
// Event ids are derived from the change and the configuration, so delivering the same
// change twice (a crash between enqueue and ack, a webhook retried) enqueues it once:
// the queue ignores an id it has.
import { createHash } from 'node:crypto';
import type { LambdaNotification } from '../../objects/object-events.js';
import type { AsyncEvent, FunctionKey } from '../../store/records.js';
import { parseFunctionRef } from '../../util/arn.js';
import { newAsyncEvent } from '../../invoke/async/async-invoker.js';
import { nextHop } from '../../invoke/trace-header.js';
import { eventMatches } from './event-names.js';
import { s3EventRecord, type ObjectChange } from './event-record.js';

/** S3's filter rules: every rule must hold for the key as stored (prefix and suffix, case-sensitive). */
export function filterMatches(rules: LambdaNotification['filterRules'], key: string): boolean {
  return rules.every((rule) => (rule.name === 'prefix' ? key.startsWith(rule.value) : key.endsWith(rule.value)));
}

export function matchingNotifications(change: ObjectChange, notifications: readonly LambdaNotification[]): LambdaNotification[] {
  return notifications.filter((n) => eventMatches(n.events, change.eventName) && filterMatches(n.filterRules, change.key));
}

/** A UUID-shaped id that is the same for the same inputs. */
function stableId(parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DeliveryProblem {
  readonly notification: LambdaNotification;
  readonly error: unknown;
}

/**
 * The events delivering `change` to each matching notification. `identity` names the
 * change uniquely (the outbox sequence, or the external source and sequencer); a
 * notification whose function ARN cannot be read is reported, not delivered.
 */
export function deliveries(change: ObjectChange, notifications: readonly LambdaNotification[], identity: string, now: number): { events: AsyncEvent[]; problems: DeliveryProblem[] } {
  const events: AsyncEvent[] = [];
  const problems: DeliveryProblem[] = [];
  for (const notification of matchingNotifications(change, notifications)) {
    try {
      const ref = parseFunctionRef(notification.functionArn, 'LambdaFunctionArn');
      const key: FunctionKey = { account: ref.account ?? change.account, region: ref.region ?? change.region, name: ref.name };
      const payload = Buffer.from(JSON.stringify({ Records: [s3EventRecord(change, notification.id)] }));
      events.push(newAsyncEvent({
        key, qualifier: ref.qualifier, payload, source: 's3',
        requestId: stableId([identity, change.bucket, change.key, change.eventName, change.requestId, notification.id, notification.functionArn]),
        traceHeader: nextHop(change.traceHeader, key, now),
      }, now));
    } catch (error) {
      problems.push({ notification, error });
    }
  }
  return { events, problems };
}
