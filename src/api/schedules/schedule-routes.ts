// The schedules' admin API, under /nimbus/v1/schedules (docs/schedules.md):
//   GET    /nimbus/v1/schedules[?function=NAME]      list, in name order
//   POST   /nimbus/v1/schedules                      create ({name, …}); 409 when it exists
//   PUT    /nimbus/v1/schedules/{name}               create or replace whole
//   GET    /nimbus/v1/schedules/{name}
//   DELETE /nimbus/v1/schedules/{name}               204
//   POST   /nimbus/v1/schedules/{name}/enable|disable
// Errors in the admin surface's (Lambda's) shape.
import { z } from 'zod';
import type { ScheduleInput } from '../../control/schedules/schedule-input.js';
import type { ScheduleService } from '../../control/schedules/schedule-service.js';
import { invalidParameter } from '../../errors.js';
import type { Scope } from '../../store/records.js';
import type { ScheduleKey, ScheduleRecord } from '../../store/schedule-ports.js';
import { eventTime, ruleArn } from '../../triggers/schedule/scheduled-event.js';
import type { ApiRequest, Route } from '../http/types.js';
import { parseBody } from '../lambda/wire.js';

const MAX_BODY_BYTES = 64 * 1024;
const BASE = '/nimbus/v1/schedules';

// Strict: a misspelt member (`timeZone`) is an error, not a silently ignored setting.
const scheduleBody = z.strictObject({
  name: z.string().optional(),
  expression: z.string(),
  timezone: z.string().optional(),
  state: z.enum(['ENABLED', 'DISABLED']).optional(),
  description: z.string().optional(),
  function: z.string(),
  qualifier: z.string().optional(),
  /** Any JSON value, sent as the event instead of the scheduled event. */
  input: z.unknown().optional(),
});

function toInput(body: z.output<typeof scheduleBody>): ScheduleInput {
  return { ...body, input: body.input === undefined ? undefined : JSON.stringify(body.input) };
}

export function scheduleToJson(s: ScheduleRecord): Record<string, unknown> {
  return {
    name: s.name, arn: ruleArn(s), expression: s.expression, timezone: s.timezone, state: s.state, description: s.description,
    function: s.target.functionName, qualifier: s.target.qualifier, input: s.target.input === undefined ? undefined : JSON.parse(s.target.input) as unknown,
    nextFireAt: s.nextFireAt === undefined ? undefined : eventTime(s.nextFireAt),
    lastFiredAt: s.lastFiredAt === undefined ? undefined : eventTime(s.lastFiredAt),
    createdAt: new Date(s.createdAt).toISOString(), lastModified: new Date(s.lastModified).toISOString(),
  };
}

function keyOf(req: ApiRequest): ScheduleKey {
  return { ...req.scope, name: req.params.name ?? '' };
}

function newKey(scope: Scope, name: string | undefined): ScheduleKey {
  if (name === undefined) throw invalidParameter('name', 'is required');
  return { ...scope, name };
}

export function scheduleRoutes(schedules: ScheduleService): Route[] {
  const stateRoute = (action: 'enable' | 'disable'): Route => ({
    method: 'POST', path: `${BASE}/:name/${action}`, maxBodyBytes: 0,
    async handle(req) {
      return { status: 200, body: scheduleToJson(await schedules.setState(keyOf(req), action === 'enable' ? 'ENABLED' : 'DISABLED')) };
    },
  });
  return [
    {
      method: 'GET', path: BASE, maxBodyBytes: 0,
      async handle(req) {
        const list = await schedules.list(req.scope, req.query.get('function') ?? undefined);
        return { status: 200, body: { schedules: list.map(scheduleToJson) } };
      },
    },
    {
      method: 'POST', path: BASE, maxBodyBytes: MAX_BODY_BYTES, errorLabel: 'CreateSchedule',
      async handle(req) {
        const body = parseBody(scheduleBody, req.body);
        return { status: 201, body: scheduleToJson(await schedules.create(newKey(req.scope, body.name), toInput(body))) };
      },
    },
    {
      method: 'PUT', path: `${BASE}/:name`, maxBodyBytes: MAX_BODY_BYTES, errorLabel: 'PutSchedule',
      async handle(req) {
        const body = parseBody(scheduleBody, req.body);
        const key = keyOf(req);
        if (body.name !== undefined && body.name !== key.name) throw invalidParameter('name', `'${body.name}' differs from the name in the path ('${key.name}')`);
        const { schedule, created } = await schedules.put(key, toInput(body));
        return { status: created ? 201 : 200, body: scheduleToJson(schedule) };
      },
    },
    {
      method: 'GET', path: `${BASE}/:name`, maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: scheduleToJson(await schedules.get(keyOf(req))) };
      },
    },
    {
      method: 'DELETE', path: `${BASE}/:name`, maxBodyBytes: 0,
      async handle(req) {
        await schedules.delete(keyOf(req));
        return { status: 204 };
      },
    },
    stateRoute('enable'),
    stateRoute('disable'),
  ];
}
