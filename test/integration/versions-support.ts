// Shared by the versions, aliases and provisioned concurrency tests: a handler that says
// which code, version and kind of instance ran it, deploy/update helpers that wait as a
// user's script would, and Lambda error assertions.
import assert from 'node:assert/strict';
import {
  InvokeCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy, type DeployOptions } from '../helpers/functions.js';
import { makeZip } from '../helpers/zip.js';

/** What the reporting handler answers. */
export interface Report {
  readonly code: string;
  readonly version: string;
  readonly initType: string;
  readonly invokedArn: string;
  readonly logStream: string;
  /** Epoch ms the module was loaded (INIT). */
  readonly initAt: number;
  readonly mark: string | undefined;
}

/** A handler labelled `code`; `{ "sleepMs": n }` keeps it busy that long. */
export function reporter(code: string): Record<string, string> {
  return {
    'index.js': `const initAt = Date.now();
exports.handler = async (event, context) => {
  if (event && event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return { code: ${JSON.stringify(code)}, version: process.env.AWS_LAMBDA_FUNCTION_VERSION, initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
    invokedArn: context.invokedFunctionArn, logStream: context.logStreamName, initAt, mark: process.env.MARK };
};`,
  };
}

export function deployReporter(lambda: LambdaClient, name: string, code: string, options: DeployOptions = {}): Promise<void> {
  return deploy(lambda, name, reporter(code), options);
}

export async function updateCode(lambda: LambdaClient, name: string, code: string): Promise<void> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await makeZip(reporter(code)) }));
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

export async function updateConfig(lambda: LambdaClient, name: string, change: { mark?: string; timeout?: number; description?: string }): Promise<void> {
  await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: name, Timeout: change.timeout, Description: change.description,
    Environment: change.mark === undefined ? undefined : { Variables: { MARK: change.mark } },
  }));
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

export interface Ran {
  readonly report: Report;
  readonly executedVersion: string | undefined;
  /** The REPORT line of the invocation. */
  readonly reportLine: string;
}

export async function run(lambda: LambdaClient, functionName: string, qualifier?: string, event: unknown = {}): Promise<Ran> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, LogType: 'Tail', Payload: Buffer.from(JSON.stringify(event)) }));
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
  return {
    report: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as Report,
    executedVersion: out.ExecutedVersion,
    reportLine: log.split('\n').find((l) => l.startsWith('REPORT')) ?? '',
  };
}

/** The call fails with this Lambda error (name, HTTP status and message). */
export async function rejectsWith(call: Promise<unknown>, name: string, status: number, message?: RegExp | string): Promise<void> {
  await assert.rejects(call, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

export const arnOf = (name: string, qualifier?: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
