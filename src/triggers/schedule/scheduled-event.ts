// The event a scheduled rule sends its target (lambda-reference §6.4), member order as AWS
// writes it. `time` is the tick the event is for, not when it was delivered, in AWS's
// form without milliseconds.
import { randomUUID } from 'node:crypto';
import type { ScheduleKey } from '../../store/schedule-ports.js';

export function ruleArn(key: ScheduleKey): string {
  return `arn:aws:events:${key.region}:${key.account}:rule/${key.name}`;
}

export function eventTime(tick: number): string {
  return new Date(tick).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function scheduledEvent(key: ScheduleKey, tick: number): Buffer {
  return Buffer.from(JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: key.account,
    time: eventTime(tick), region: key.region, resources: [ruleArn(key)], detail: {},
  }));
}
