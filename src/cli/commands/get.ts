// `nimbus get`: one function's configuration and state.
import { GetFunctionCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, onePositional, type CliCommand } from '../command.js';
import { keyValues, toJson } from '../format.js';

function withReason(value: string | undefined, reason: string | undefined): string | undefined {
  return value === undefined || reason === undefined ? value : `${value} (${reason})`;
}

export function describeFunction(c: FunctionConfiguration): string[] {
  const env = Object.entries(c.Environment?.Variables ?? {}).map(([k, v]) => ['Environment', `${k}=${v}`] as const);
  return keyValues([
    ['FunctionName', c.FunctionName],
    ['FunctionArn', c.FunctionArn],
    ['Runtime', c.Runtime],
    ['Handler', c.Handler],
    ['Role', c.Role],
    ['MemorySize', c.MemorySize],
    ['Timeout', c.Timeout],
    ['Description', c.Description || undefined],
    ['CodeSize', c.CodeSize],
    ['CodeSha256', c.CodeSha256],
    ['Version', c.Version],
    ['LastModified', c.LastModified],
    ['State', withReason(c.State, c.StateReason)],
    ['LastUpdateStatus', withReason(c.LastUpdateStatus, c.LastUpdateStatusReason)],
    ...env,
  ]);
}

export const getCommand: CliCommand = {
  name: 'get',
  summary: "Show a function's configuration and state",
  usage: ['get <name> [options]', '', 'options:', API_OPTIONS_HELP].join('\n'),
  options: { ...API_OPTIONS },
  async run({ values, positionals, io }) {
    const name = onePositional(positionals, 'function name');
    const api = connect(values, io.env);
    const output = await api.call((lambda) => lambda.send(new GetFunctionCommand({ FunctionName: name })));
    if (booleanFlag(values, 'json')) io.out(toJson(output));
    else for (const line of describeFunction(output.Configuration ?? {})) io.out(line);
    return 0;
  },
};
