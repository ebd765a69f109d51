// `nimbus invoke`: one synchronous Invoke (RequestResponse), printing the response
// payload; --log adds the tail of the function's log (LogType Tail, lambda-reference §2.2).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, onePositional, stringFlag, usageError, type CliCommand } from '../command.js';
import { isSampleEventName, SAMPLE_EVENT_NAMES, sampleEvent } from '../events/sample-events.js';

/** The --payload value: inline JSON or `@file`; checked locally so a typo costs no round trip. */
export async function readPayload(value: string | undefined, cwd: string): Promise<Buffer | undefined> {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw usageError(`--payload ${value}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw usageError(`--payload${value.startsWith('@') ? ` ${value}` : ''} is not valid JSON: ${(err as Error).message}`);
  }
  return Buffer.from(text);
}

/** --event NAME: a generated sample event instead of --payload. */
function samplePayload(values: Record<string, unknown>, region: string): Buffer | undefined {
  const name = stringFlag(values, 'event');
  if (name === undefined) return undefined;
  if (stringFlag(values, 'payload') !== undefined) throw usageError('give --payload or --event, not both');
  if (!isSampleEventName(name)) throw usageError(`--event must be one of ${SAMPLE_EVENT_NAMES.join(', ')}, got '${name}'`);
  return Buffer.from(JSON.stringify(sampleEvent(name, { region, account: '000000000000' })));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export const invokeCommand: CliCommand = {
  name: 'invoke',
  summary: 'Invoke a function and print its response',
  usage: [
    'invoke <name> [options]',
    '',
    'Prints the response payload (pretty when it is JSON). Exits 1 when the function fails.',
    'With --json: StatusCode, FunctionError, ExecutedVersion, Payload and the decoded LogResult.',
    '',
    'options:',
    '  --payload JSON     the event, as JSON or @file.json (default {})',
    `  --event NAME       a realistic sample event instead: ${SAMPLE_EVENT_NAMES.join(', ')}`,
    '  --qualifier Q      version or alias (default $LATEST)',
    "  --log              also print the end of the function's log (last 4 KB) to stderr",
    API_OPTIONS_HELP,
  ].join('\n'),
  options: {
    payload: { type: 'string' },
    event: { type: 'string' },
    qualifier: { type: 'string' },
    log: { type: 'boolean' },
    ...API_OPTIONS,
  },
  async run({ values, positionals, io }) {
    const name = onePositional(positionals, 'function name');
    const payload = samplePayload(values, stringFlag(values, 'region') ?? (io.env.NIMBUS_REGION || io.env.AWS_REGION || 'us-east-1')) ?? (await readPayload(stringFlag(values, 'payload'), io.cwd));
    const json = booleanFlag(values, 'json');
    const wantLog = json || booleanFlag(values, 'log');
    const api = connect(values, io.env);
    const output = await api.call((lambda) =>
      lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: stringFlag(values, 'qualifier'), Payload: payload, LogType: wantLog ? 'Tail' : 'None' })),
    );
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    const parsed = parseJson(text);
    const log = output.LogResult === undefined ? undefined : Buffer.from(output.LogResult, 'base64').toString('utf8');
    if (json) {
      const result = { StatusCode: output.StatusCode, FunctionError: output.FunctionError, ExecutedVersion: output.ExecutedVersion, Payload: parsed.ok ? parsed.value : text, LogResult: log };
      io.out(JSON.stringify(result, null, 2));
    } else {
      if (log !== undefined && log !== '') for (const line of log.replace(/\n$/, '').split('\n')) io.err(line);
      if (text !== '') io.out(parsed.ok ? JSON.stringify(parsed.value, null, 2) : text);
    }
    if (output.FunctionError !== undefined) {
      io.err(`error: function error (${output.FunctionError})`);
      return 1;
    }
    return 0;
  },
};
