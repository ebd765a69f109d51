// `nimbus delete`: removes the function with all its versions and aliases.
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, onePositional, type CliCommand } from '../command.js';

export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'Delete a function',
  usage: ['delete <name> [options]', '', 'options:', API_OPTIONS_HELP].join('\n'),
  options: { ...API_OPTIONS },
  async run({ values, positionals, io }) {
    const name = onePositional(positionals, 'function name');
    const api = connect(values, io.env);
    await api.call((lambda) => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
    io.out(booleanFlag(values, 'json') ? JSON.stringify({ deleted: name }) : `deleted ${name}`);
    return 0;
  },
};
