// `nimbus schedule`: EventBridge-style schedules (docs/schedules.md), over the admin API.
//   nimbus schedule add NAME --function F --expression 'rate(5 minutes)' [--timezone Z] [--input JSON] [--disabled]
//   nimbus schedule list [--function F] | get NAME | rm NAME | enable NAME | disable NAME
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminRequest, type AdminTarget } from '../admin-request.js';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, stringFlag, usageError, type CliCommand, type CliIo } from '../command.js';
import { keyValues, table } from '../format.js';

interface ScheduleView {
  name: string; arn: string; expression: string; timezone: string; state: string; description: string; function: string;
  qualifier?: string; input?: unknown; nextFireAt?: string; lastFiredAt?: string; createdAt: string; lastModified: string;
}

const ADD_ONLY = ['expression', 'timezone', 'input', 'qualifier', 'description', 'disabled', 'replace'];

/** A request to the schedules part of the admin API. */
function admin<T>(target: AdminTarget, method: string, urlPath: string, body?: unknown): Promise<T | undefined> {
  return adminRequest<T>(target, method, `/schedules${urlPath}`, body);
}

/** --input: inline JSON or @file, checked here so a typo costs no round trip. */
async function readInput(value: string | undefined, cwd: string): Promise<unknown> {
  if (value === undefined) return undefined;
  const file = value.startsWith('@') ? path.resolve(cwd, value.slice(1)) : undefined;
  let text = value;
  if (file !== undefined) {
    text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw usageError(`--input ${value}: cannot read ${file} (${err.code ?? err.message})`);
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw usageError(`--input ${file === undefined ? '' : `${value} `}is not valid JSON: ${(err as Error).message}`);
  }
}

function scheduleName(args: readonly string[], action: string): string {
  const [name, ...extra] = args;
  if (name === undefined || extra.length > 0) throw usageError(`schedule ${action} takes one schedule name, got ${args.length} argument(s)`);
  if (!/^[0-9A-Za-z_.-]{1,64}$/.test(name)) throw usageError(`schedule name '${name}' must be 1 to 64 letters, digits, '.', '-' or '_'`);
  return name;
}

function details(s: ScheduleView): string[] {
  return keyValues([
    ['Name', s.name], ['Arn', s.arn], ['State', s.state], ['Expression', s.expression], ['Timezone', s.timezone],
    ['Function', s.qualifier === undefined ? s.function : `${s.function}:${s.qualifier}`], ['Description', s.description || undefined],
    ['Input', s.input === undefined ? '(the scheduled event)' : JSON.stringify(s.input)],
    ['NextFire', s.nextFireAt ?? (s.state === 'ENABLED' ? 'never (no time left)' : '-')], ['LastFired', s.lastFiredAt ?? '-'],
  ]);
}

function show(io: CliIo, json: boolean, value: unknown, human: () => string[]): void {
  if (json) io.out(JSON.stringify(value, null, 2));
  else for (const line of human()) io.out(line);
}

export const scheduleCommand: CliCommand = {
  name: 'schedule',
  summary: 'Add, list, show, enable, disable or remove schedules that invoke functions',
  usage: [
    'schedule add NAME --function F --expression EXPR [options] | list [--function F] | get NAME | rm NAME | enable NAME | disable NAME',
    '',
    "  EXPR is rate(5 minutes), cron(0 12 * * ? *) (AWS's six fields) or at(2030-01-31T09:30:00); see docs/schedules.md",
    '',
    'options:',
    '  --function F       (add) the function to invoke, name or ARN; (list) only schedules of F',
    '  --expression EXPR  (add) when to invoke it',
    '  --timezone Z       (add) IANA zone cron and at() are read in (default UTC)',
    '  --input JSON       (add) send this JSON (or @file.json) instead of the scheduled event',
    '  --qualifier Q      (add) version or alias to invoke',
    '  --description D    (add) a note',
    '  --disabled         (add) create it disabled',
    '  --replace          (add) replace a schedule of the same name instead of failing',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: {
    ...API_OPTIONS, function: { type: 'string' }, expression: { type: 'string' }, timezone: { type: 'string' }, input: { type: 'string' },
    qualifier: { type: 'string' }, description: { type: 'string' }, disabled: { type: 'boolean' }, replace: { type: 'boolean' },
  },
  async run({ values, positionals, io }) {
    const [action, ...args] = positionals;
    if (action === undefined) throw usageError('missing action: add, list, get, rm, enable or disable');
    const misplaced = ADD_ONLY.find((o) => values[o] !== undefined);
    if (action !== 'add' && misplaced !== undefined) throw usageError(`--${misplaced} goes with 'schedule add'`);
    if (action !== 'add' && action !== 'list' && values.function !== undefined) throw usageError("--function goes with 'schedule add' or 'schedule list'");
    const json = booleanFlag(values, 'json');
    const api = connect(values, io.env);
    switch (action) {
      case 'add': {
        const name = scheduleName(args, action);
        const fn = stringFlag(values, 'function');
        const expression = stringFlag(values, 'expression');
        if (fn === undefined || fn === '') throw usageError('schedule add needs --function F');
        if (expression === undefined || expression === '') throw usageError("schedule add needs --expression, e.g. 'rate(5 minutes)'");
        const body = {
          name, expression, function: fn, timezone: stringFlag(values, 'timezone'), qualifier: stringFlag(values, 'qualifier'),
          description: stringFlag(values, 'description'), state: booleanFlag(values, 'disabled') ? 'DISABLED' : 'ENABLED',
          input: await readInput(stringFlag(values, 'input'), io.cwd),
        };
        const replace = booleanFlag(values, 'replace');
        const s = await admin<ScheduleView>(api, replace ? 'PUT' : 'POST', replace ? `/${encodeURIComponent(name)}` : '', body);
        show(io, json, s, () => [`${replace ? 'saved' : 'created'} schedule ${name}: next fire ${s?.nextFireAt ?? (s?.state === 'DISABLED' ? '- (disabled)' : 'never')}`]);
        return 0;
      }
      case 'list': {
        if (args.length > 0) throw usageError(`schedule list takes no arguments, got ${args.length}`);
        const fn = stringFlag(values, 'function');
        const view = await admin<{ schedules: ScheduleView[] }>(api, 'GET', fn === undefined ? '' : `?${new URLSearchParams({ function: fn }).toString()}`);
        const list = view?.schedules ?? [];
        show(io, json, list, () => list.length === 0 ? ['no schedules'] : table(
          ['NAME', 'STATE', 'EXPRESSION', 'TIMEZONE', 'FUNCTION', 'NEXT-FIRE', 'LAST-FIRED'],
          list.map((s) => [s.name, s.state, s.expression, s.timezone, s.function, s.nextFireAt ?? '-', s.lastFiredAt ?? '-']),
        ));
        return 0;
      }
      case 'get': {
        const s = await admin<ScheduleView>(api, 'GET', `/${encodeURIComponent(scheduleName(args, action))}`);
        if (s) show(io, json, s, () => details(s));
        return 0;
      }
      case 'enable':
      case 'disable': {
        const name = scheduleName(args, action);
        const s = await admin<ScheduleView>(api, 'POST', `/${encodeURIComponent(name)}/${action}`);
        show(io, json, s, () => [`${action}d schedule ${name}${s?.nextFireAt ? `: next fire ${s.nextFireAt}` : ''}`]);
        return 0;
      }
      case 'rm': {
        const name = scheduleName(args, action);
        await admin(api, 'DELETE', `/${encodeURIComponent(name)}`);
        show(io, json, { deleted: name }, () => [`removed schedule ${name}`]);
        return 0;
      }
      default:
        throw usageError(`unknown action '${action}': expected add, list, get, rm, enable or disable`);
    }
  },
};
