// `nimbus sources`: event sources beyond SQS — Redis Streams, RabbitMQ, NATS JetStream,
// PostgreSQL change data capture … (docs/event-sources.md), over the admin API.
//   nimbus sources add KIND --function F (--source-json '{…}' | --source @file.json) [--batch-size N] [--window S]
//                           [--retries N] [--bisect] [--on-failure ARN] [--disabled]
//   nimbus sources list | get UUID | enable UUID | disable UUID | remove UUID
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminRequest, type AdminTarget } from '../admin-request.js';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, stringFlag, usageError, type CliCommand, type CliIo } from '../command.js';
import { keyValues, table } from '../format.js';

interface SourceView {
  uuid: string; kind: string; source: unknown; functionName: string; qualifier?: string; functionArn: string; batchSize: number;
  maximumBatchingWindowSeconds: number; maximumRetryAttempts: number; bisectBatchOnFunctionError: boolean; onFailureDestination?: string;
  enabled: boolean; state: string; lastProcessingResult: string; lastError?: string; lag?: number; createdAt: string; lastModified: string;
}

const ADD_ONLY = ['function', 'source-json', 'source', 'batch-size', 'window', 'retries', 'bisect', 'on-failure', 'disabled'];

function admin<T>(target: AdminTarget, method: string, urlPath: string, body?: unknown): Promise<T | undefined> {
  return adminRequest<T>(target, method, `/event-sources${urlPath}`, body);
}

/** --source-json TEXT or --source @file.json (or inline JSON), checked here so a typo costs no round trip. */
async function readSource(values: Record<string, unknown>, cwd: string): Promise<unknown> {
  const inline = stringFlag(values, 'source-json');
  const ref = stringFlag(values, 'source');
  if (inline !== undefined && ref !== undefined) throw usageError('give the source settings once: --source-json or --source');
  const value = inline ?? ref;
  if (value === undefined) throw usageError("sources add needs the source settings: --source-json '{…}' or --source @file.json");
  const file = value.startsWith('@') ? path.resolve(cwd, value.slice(1)) : undefined;
  let text = value;
  if (file !== undefined) {
    text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw usageError(`--source ${value}: cannot read ${file} (${err.code ?? err.message})`);
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw usageError(`the source settings ${file === undefined ? '' : `in ${file} `}are not valid JSON: ${(err as Error).message}`);
  }
}

function integerFlag(values: Record<string, unknown>, name: string): number | undefined {
  const value = stringFlag(values, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw usageError(`--${name} must be an integer, got '${value}'`);
  return Number(value);
}

function uuidArg(args: readonly string[], action: string): string {
  const [uuid, ...extra] = args;
  if (uuid === undefined || extra.length > 0) throw usageError(`sources ${action} takes one event source UUID, got ${args.length} argument(s)`);
  return uuid;
}

function details(s: SourceView): string[] {
  return keyValues([
    ['UUID', s.uuid], ['Kind', s.kind], ['Source', JSON.stringify(s.source)], ['Function', s.functionArn], ['State', s.state],
    ['BatchSize', s.batchSize], ['BatchingWindow', `${s.maximumBatchingWindowSeconds}s`],
    ['MaximumRetryAttempts', s.maximumRetryAttempts === -1 ? 'forever (-1)' : s.maximumRetryAttempts],
    ['BisectOnError', String(s.bisectBatchOnFunctionError)], ['OnFailure', s.onFailureDestination ?? '-'],
    ['LastResult', s.lastProcessingResult], ['LastError', s.lastError ?? '-'], ['Lag', s.lag ?? '-'], ['LastModified', s.lastModified],
  ]);
}

function show(io: CliIo, json: boolean, value: unknown, human: () => string[]): void {
  if (json) io.out(JSON.stringify(value, null, 2));
  else for (const line of human()) io.out(line);
}

export const sourcesCommand: CliCommand = {
  name: 'sources',
  summary: 'Add, list, show, enable, disable or remove event sources (Redis Streams, RabbitMQ, NATS, PostgreSQL CDC …)',
  usage: [
    'sources add KIND --function F (--source-json JSON | --source @file.json) [options] | list | get UUID | enable UUID | disable UUID | remove UUID',
    '',
    '  KIND is a source kind, e.g. redis-stream, rabbitmq, nats, postgres-cdc; see docs/event-sources.md for each kind\'s settings',
    '',
    'options (add):',
    '  --function F        the function to invoke: name, name:qualifier or ARN',
    '  --source-json JSON  the source settings as JSON',
    '  --source @FILE      the source settings from a JSON file (or inline JSON)',
    '  --batch-size N      records per invocation, 1 to 10000 (default 100)',
    '  --window S          seconds to wait for a fuller batch, 0 to 300 (default 0)',
    '  --retries N         retries of a failed batch, 0 to 10000, or -1 for forever (default -1)',
    '  --bisect            split a failed batch in halves and retry each',
    '  --on-failure ARN    SQS queue that receives a batch that exhausted its retries',
    '  --disabled          create it disabled',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: {
    ...API_OPTIONS, function: { type: 'string' }, 'source-json': { type: 'string' }, source: { type: 'string' }, 'batch-size': { type: 'string' },
    window: { type: 'string' }, retries: { type: 'string' }, bisect: { type: 'boolean' }, 'on-failure': { type: 'string' }, disabled: { type: 'boolean' },
  },
  async run({ values, positionals, io }) {
    const [action, ...args] = positionals;
    if (action === undefined) throw usageError('missing action: add, list, get, enable, disable or remove');
    const misplaced = ADD_ONLY.find((o) => values[o] !== undefined);
    if (action !== 'add' && misplaced !== undefined) throw usageError(`--${misplaced} goes with 'sources add'`);
    const json = booleanFlag(values, 'json');
    const api = connect(values, io.env);
    switch (action) {
      case 'add': {
        const [kind, ...extra] = args;
        if (kind === undefined || extra.length > 0) throw usageError(`sources add takes one kind (e.g. redis-stream), got ${args.length} argument(s)`);
        const fn = stringFlag(values, 'function');
        if (fn === undefined || fn === '') throw usageError('sources add needs --function F');
        const body = {
          kind, source: await readSource(values, io.cwd), functionName: fn, batchSize: integerFlag(values, 'batch-size'),
          maximumBatchingWindowSeconds: integerFlag(values, 'window'), maximumRetryAttempts: integerFlag(values, 'retries'),
          bisectBatchOnFunctionError: booleanFlag(values, 'bisect') || undefined, onFailureDestination: stringFlag(values, 'on-failure'),
          enabled: booleanFlag(values, 'disabled') ? false : undefined,
        };
        const s = await admin<SourceView>(api, 'POST', '', body);
        show(io, json, s, () => [`created event source ${s?.uuid ?? '?'} (${kind} → ${fn}, ${s?.state ?? '?'})`]);
        return 0;
      }
      case 'list': {
        if (args.length > 0) throw usageError(`sources list takes no arguments, got ${args.length}`);
        const list = (await admin<{ eventSources: SourceView[] }>(api, 'GET', ''))?.eventSources ?? [];
        show(io, json, list, () => list.length === 0 ? ['no event sources'] : table(
          ['UUID', 'KIND', 'FUNCTION', 'STATE', 'BATCH', 'LAG', 'LAST-RESULT', 'LAST-ERROR'],
          list.map((s) => [s.uuid, s.kind, s.qualifier === undefined ? s.functionName : `${s.functionName}:${s.qualifier}`, s.state, String(s.batchSize),
            s.lag === undefined ? '-' : String(s.lag), s.lastProcessingResult, s.lastError ?? '-']),
        ));
        return 0;
      }
      case 'get': {
        const s = await admin<SourceView>(api, 'GET', `/${encodeURIComponent(uuidArg(args, action))}`);
        if (s) show(io, json, s, () => details(s));
        return 0;
      }
      case 'enable':
      case 'disable': {
        const uuid = uuidArg(args, action);
        const s = await admin<SourceView>(api, 'PATCH', `/${encodeURIComponent(uuid)}`, { enabled: action === 'enable' });
        show(io, json, s, () => [`${action}d event source ${uuid}`]);
        return 0;
      }
      case 'remove':
      case 'rm': {
        const uuid = uuidArg(args, action);
        await admin(api, 'DELETE', `/${encodeURIComponent(uuid)}`);
        show(io, json, { deleted: uuid }, () => [`removed event source ${uuid}`]);
        return 0;
      }
      default:
        throw usageError(`unknown action '${action}': expected add, list, get, enable, disable or remove`);
    }
  },
};
