// The contract between main.ts and each command. Commands get their I/O as a
// parameter so tests run them in-process; they report failure by throwing CliError.
import type { ParseArgsConfig } from 'node:util';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface CliArgs {
  readonly values: Record<string, unknown>;
  readonly positionals: string[];
  readonly io: CliIo;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `nimbus help`. */
  readonly summary: string;
  /** Printed after `usage: nimbus `; the first line is the synopsis, the rest describes options. */
  readonly usage: string;
  readonly options: ParseArgsConfig['options'];
  /** Resolves to the exit code. */
  run(args: CliArgs): Promise<number>;
}

/** Exit codes: 1 = the operation failed, 2 = the command line is wrong. */
export class CliError extends Error {
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A `multiple: true` string option, always as an array. */
export function stringList(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function booleanFlag(values: Record<string, unknown>, name: string): boolean {
  return values[name] === true;
}

/** Exactly one positional (a function name, a path); `what` names it in the message. */
export function onePositional(positionals: readonly string[], what: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined || first === '') throw usageError(`missing ${what}`);
  if (extra.length > 0) throw usageError(`expected one ${what}, got ${positionals.length}: ${positionals.map((p) => `'${p}'`).join(' ')}`);
  return first;
}
