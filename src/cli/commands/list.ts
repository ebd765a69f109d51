// `nimbus list`: every function, all pages (ListFunctions returns at most 50 a page).
import { paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List functions',
  usage: ['list [options]', '', 'options:', API_OPTIONS_HELP].join('\n'),
  options: { ...API_OPTIONS },
  async run({ values, positionals, io }) {
    if (positionals.length > 0) throw usageError(`list takes no arguments, got '${positionals.join(' ')}'`);
    const api = connect(values, io.env);
    const functions = await api.call(async (lambda) => {
      const all: FunctionConfiguration[] = [];
      for await (const page of paginateListFunctions({ client: lambda }, {})) all.push(...(page.Functions ?? []));
      return all;
    });
    if (booleanFlag(values, 'json')) {
      io.out(JSON.stringify({ Functions: functions }, null, 2)); // the shape `aws lambda list-functions` prints
      return 0;
    }
    if (functions.length === 0) {
      io.out('no functions');
      return 0;
    }
    const rows = functions.map((f) => [f.FunctionName ?? '', f.Runtime ?? '-', String(f.MemorySize ?? '-'), String(f.Timeout ?? '-'), f.LastModified ?? '-']);
    for (const line of table(['NAME', 'RUNTIME', 'MEMORY', 'TIMEOUT', 'LAST-MODIFIED'], rows)) io.out(line);
    return 0;
  },
};
