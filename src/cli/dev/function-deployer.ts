// The dev loop's deploy of one function directory: create it or replace its code, then
// poll until the platform has it. The SDK waiters sleep at least a second between
// checks; a reload must land in well under one, so this polls every 20 ms instead.
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../command.js';
import { DEFAULT_ROLE, DEFAULT_RUNTIME } from '../deploy-args.js';

export interface DevFunction {
  readonly name: string;
  readonly handler: string;
  /** Variables set on the function (the inspector's NIMBUS_INSPECT among them). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
}

const POLL_MS = 20;
const SETTLE_LIMIT_MS = 60_000;

async function settled(lambda: LambdaClient, name: string): Promise<FunctionConfiguration> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === 'Failed') throw new CliError(`${name} failed: ${c.StateReason ?? '?'}`);
    if (c.LastUpdateStatus === 'Failed') throw new CliError(`${name} update failed: ${c.LastUpdateStatusReason ?? '?'}`);
    if (c.State === 'Active' && c.LastUpdateStatus !== 'InProgress') return c;
    if (Date.now() > deadline) throw new CliError(`${name} did not become active within ${SETTLE_LIMIT_MS / 1000}s`);
    await sleep(POLL_MS);
  }
}

async function current(lambda: LambdaClient, name: string): Promise<FunctionConfiguration | undefined> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** First deploy of a dev session: create, or bring code and configuration up to date. */
export async function deployDevFunction(lambda: LambdaClient, fn: DevFunction, zip: Buffer): Promise<FunctionConfiguration> {
  const config = { Handler: fn.handler, Timeout: fn.timeoutSeconds, Environment: { Variables: { ...fn.env } } };
  const existing = await current(lambda, fn.name);
  if (existing === undefined) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: fn.name, Code: { ZipFile: zip }, Runtime: DEFAULT_RUNTIME, Role: DEFAULT_ROLE, ...config }));
    return settled(lambda, fn.name);
  }
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn.name, ...config }));
  await settled(lambda, fn.name);
  return updateDevCode(lambda, fn.name, zip);
}

/** A reload: new code only; instances on the old code finish their calls and retire. */
export async function updateDevCode(lambda: LambdaClient, name: string, zip: Buffer): Promise<FunctionConfiguration> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
  return settled(lambda, name);
}
