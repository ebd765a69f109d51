// Schedules: create, replace, enable/disable, delete. Each write computes when the schedule
// fires next and is stored with a compare-and-swap against the row as read (revision and
// next tick), so neither a concurrent change nor a tick the ticker just fired is
// overwritten; then the ticker is woken to re-plan its sleep.
//
// Timing (docs/schedules.md): a new expression starts now — a rate fires at once and then
// every interval (EventBridge Scheduler without a StartDate), cron and at() at their next
// time. Enabling again continues on the same grid from now: missed ticks are not replayed.
// Other changes (description, target, input) leave the timing alone.
import { randomUUID } from 'node:crypto';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { FunctionKey, Scope } from '../../store/records.js';
import type { ScheduleKey, ScheduleRecord, ScheduleRepository, ScheduleState } from '../../store/schedule-ports.js';
import { parseScheduleExpression } from '../../triggers/schedule/expression.js';
import { fireTimes } from '../../triggers/schedule/fire-times.js';
import { instantsOf } from '../../triggers/schedule/time-zone.js';
import type { Clock } from '../../util/time.js';
import { notFound } from '../functions/function-service.js';
import { validateSchedule, validateScheduleName, type ScheduleInput, type ValidSchedule } from './schedule-input.js';

export interface ScheduleServiceDeps {
  readonly repository: ScheduleRepository;
  readonly clock: Clock;
  /** Whether the target exists now (checked when a schedule is written, not when it fires). */
  readonly functionExists: (key: FunctionKey, qualifier: string | undefined) => Promise<boolean>;
  /** A schedule changed: the ticker re-plans. */
  readonly changed: () => void;
}

const CAS_ATTEMPTS = 5;

function scheduleNotFound(key: ScheduleKey): NimbusError {
  return new NimbusError('ResourceNotFoundException', `Schedule ${key.name} does not exist.`);
}

/** When a schedule with these settings fires next, given what it was before (if anything). */
function timing(valid: ValidSchedule, now: number, previous: ScheduleRecord | undefined): Pick<ScheduleRecord, 'anchorAt' | 'nextFireAt' | 'lastFiredAt'> {
  const sameTimes = previous !== undefined && previous.expression === valid.expression && previous.timezone === valid.timezone;
  if (sameTimes && previous.state === valid.state) return { anchorAt: previous.anchorAt, nextFireAt: previous.nextFireAt, lastFiredAt: previous.lastFiredAt };
  const anchorAt = sameTimes ? previous.anchorAt : Math.floor(now / 1000) * 1000;
  const times = fireTimes(valid.parsed, valid.timezone, anchorAt);
  const next = sameTimes ? times.next(now) : times.next(anchorAt - 1);
  if (!sameTimes && next === undefined) {
    const why = valid.parsed.kind === 'at' && instantsOf(valid.parsed.wall, valid.timezone).length === 0
      ? `does not exist in ${valid.timezone} (the clocks skip it)`
      : 'has no time left to fire at (it lies in the past)';
    throw invalidParameter('expression', `${valid.expression} ${why}`);
  }
  return { anchorAt, nextFireAt: valid.state === 'ENABLED' ? next : undefined, lastFiredAt: previous?.lastFiredAt };
}

export class ScheduleService {
  readonly #deps: ScheduleServiceDeps;

  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
  }

  /** Creates the schedule; ResourceConflictException when the name is taken. */
  async create(key: ScheduleKey, input: ScheduleInput): Promise<ScheduleRecord> {
    const valid = await this.#validate(key, input);
    const { schedule } = await this.#write(key, (current) => {
      if (current) throw new NimbusError('ResourceConflictException', `Schedule ${key.name} already exists.`);
      return valid;
    });
    return schedule;
  }

  /** Creates the schedule or replaces it whole. */
  async put(key: ScheduleKey, input: ScheduleInput): Promise<{ schedule: ScheduleRecord; created: boolean }> {
    const valid = await this.#validate(key, input);
    return this.#write(key, () => valid);
  }

  async setState(key: ScheduleKey, state: ScheduleState): Promise<ScheduleRecord> {
    validateScheduleName(key.name);
    const { schedule } = await this.#write(key, (current) => {
      if (!current) throw scheduleNotFound(key);
      return { ...current, parsed: parseScheduleExpression(current.expression), state };
    });
    return schedule;
  }

  async get(key: ScheduleKey): Promise<ScheduleRecord> {
    validateScheduleName(key.name);
    const schedule = await this.#deps.repository.get(key);
    if (!schedule) throw scheduleNotFound(key);
    return schedule;
  }

  list(scope: Scope, functionName?: string): Promise<readonly ScheduleRecord[]> {
    return this.#deps.repository.list(scope, functionName);
  }

  async delete(key: ScheduleKey): Promise<void> {
    validateScheduleName(key.name);
    if (!(await this.#deps.repository.delete(key))) throw scheduleNotFound(key);
    this.#deps.changed();
  }

  async #validate(key: ScheduleKey, input: ScheduleInput): Promise<ValidSchedule> {
    const valid = validateSchedule(key, input);
    const fn: FunctionKey = { account: key.account, region: key.region, name: valid.target.functionName };
    if (!(await this.#deps.functionExists(fn, valid.target.qualifier))) throw notFound(fn, valid.target.qualifier);
    return valid;
  }

  async #write(key: ScheduleKey, settings: (current: ScheduleRecord | undefined) => ValidSchedule): Promise<{ schedule: ScheduleRecord; created: boolean }> {
    const repository = this.#deps.repository;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await repository.get(key);
      const valid = settings(current);
      const now = this.#deps.clock();
      const schedule: ScheduleRecord = {
        account: key.account, region: key.region, name: key.name, expression: valid.expression, timezone: valid.timezone, state: valid.state,
        description: valid.description, target: valid.target, ...timing(valid, now, current), revision: randomUUID(),
        createdAt: current?.createdAt ?? now, lastModified: now,
      };
      if (current ? await repository.replace(schedule, current) : await repository.create(schedule)) {
        this.#deps.changed();
        return { schedule, created: current === undefined };
      }
    }
    throw new NimbusError('ResourceConflictException', `Schedule ${key.name} kept changing while it was being written; try again.`);
  }
}
