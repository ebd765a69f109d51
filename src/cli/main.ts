// `nimbus <command>`: finds the command, parses its flags strictly, runs it. Exit
// codes: 0 ok, 1 the operation failed, 2 the command line is wrong.
import { parseArgs } from 'node:util';
import { CliError, type CliCommand, type CliIo } from './command.js';
import { appCommand } from './commands/app.js';
import { deleteCommand } from './commands/delete.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { eventsCommand } from './commands/events.js';
import { getCommand } from './commands/get.js';
import { initCommand } from './commands/init.js';
import { invokeCommand } from './commands/invoke.js';
import { listCommand } from './commands/list.js';
import { logsCommand } from './commands/logs.js';
import { replayCommand } from './commands/replay.js';
import { routesCommand } from './commands/routes.js';
import { s3EventsCommand } from './commands/s3-events.js';
import { scheduleCommand } from './commands/schedule.js';
import { sourcesCommand } from './commands/sources.js';
import { serveCommand } from './commands/serve.js';
import { usageCommand } from './commands/usage.js';
import { nodesCommand } from './commands/nodes.js';
import { keysCommand } from './commands/keys.js';

export const COMMANDS: readonly CliCommand[] = [serveCommand, deployCommand, listCommand, getCommand, deleteCommand, invokeCommand, logsCommand, eventsCommand, routesCommand, scheduleCommand, sourcesCommand, s3EventsCommand, appCommand, usageCommand, nodesCommand, keysCommand, replayCommand, devCommand, initCommand];

function processIo(): CliIo {
  // The SDK warns on every run that its 2027 releases will need Node 22. That is a
  // note for whoever maintains Nimbus (engines allows Node 20), not for each command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    out: (line) => void process.stdout.write(line + '\n'),
    err: (line) => void process.stderr.write(line + '\n'),
    env: process.env,
    cwd: process.cwd(),
  };
}

function overview(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: nimbus <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'nimbus <command> --help' for a command's options.",
  ];
}

function commandHelp(command: CliCommand): string[] {
  const [synopsis, ...details] = command.usage.split('\n');
  return [`usage: nimbus ${synopsis ?? command.name}`, '', command.summary, ...details];
}

/** node's parseArgs messages go on to advice about `--`; the first sentence is the point. */
function parseErrorText(err: unknown, command: CliCommand): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) return `unknown option '${flag}' for 'nimbus ${command.name}'`;
  return message.split(/\.\s/)[0] ?? message;
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    overview().forEach((line) => io.err(line));
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && topic === undefined) {
      io.err(`error: unknown command '${rest[0]}'`);
      return 2;
    }
    (topic === undefined ? overview() : commandHelp(topic)).forEach((line) => io.out(line));
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`error: unknown command '${name}'`);
    io.err("Run 'nimbus help' for the list of commands.");
    return 2;
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.err(`error: ${parseErrorText(err, command)}`);
    io.err(`usage: nimbus ${command.usage.split('\n')[0] ?? command.name}`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) {
    commandHelp(command).forEach((line) => io.out(line));
    return 0;
  }
  try {
    return await command.run({ values, positionals: parsed.positionals, io });
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.err(`error: ${err.message}`);
    if (err.exitCode === 2) io.err(`usage: nimbus ${command.usage.split('\n')[0] ?? command.name}`);
    return err.exitCode;
  }
}
