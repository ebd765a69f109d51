// Creates, updates and deletes one function and what hangs off it (reserved concurrency,
// alias with provisioned concurrency, URL, async settings) through the Lambda API.
import {
  CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand, DeleteFunctionUrlConfigCommand, DeleteProvisionedConcurrencyConfigCommand, GetAliasCommand,
  GetFunctionCommand, PublishVersionCommand, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, type Cors, type Runtime,
} from '@aws-sdk/client-lambda';
import type { FunctionSpec } from './app-model.js';
import type { AppPlatform } from './platform.js';

/** The execution role every function gets: Nimbus checks no IAM, but the API requires one. */
const ROLE = 'arn:aws:iam::000000000000:role/nimbus-app';
const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 2 };

const ignoreMissing = (err: Error): void => {
  if (err.name !== 'ResourceNotFoundException') throw err;
};

function configuration(spec: FunctionSpec) {
  return {
    FunctionName: spec.name, Handler: spec.handler, Runtime: spec.runtime as Runtime, MemorySize: spec.memorySize, Timeout: spec.timeout,
    Description: spec.description ?? '', Environment: { Variables: { ...spec.environment } }, Layers: [...spec.layers],
    DeadLetterConfig: { TargetArn: spec.deadLetterTargetArn ?? '' },
  };
}

async function exists(platform: AppPlatform, name: string): Promise<boolean> {
  try {
    await platform.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    return true;
  } catch (err) {
    ignoreMissing(err as Error);
    return false;
  }
}

/** Create, or bring an existing function (an earlier deploy that failed half-way) to the spec. */
export async function putFunction(platform: AppPlatform, spec: FunctionSpec, previous: FunctionSpec | undefined, zip: Buffer): Promise<void> {
  const { lambda } = platform;
  if (!(await exists(platform, spec.name))) {
    await lambda.send(new CreateFunctionCommand({ ...configuration(spec), Role: ROLE, Code: { ZipFile: zip }, DeadLetterConfig: spec.deadLetterTargetArn ? { TargetArn: spec.deadLetterTargetArn } : undefined }));
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: spec.name });
  } else {
    if (previous?.codeSha256 !== spec.codeSha256) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: spec.name, ZipFile: zip }));
      await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: spec.name });
    }
    await lambda.send(new UpdateFunctionConfigurationCommand(configuration(spec)));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: spec.name });
  }
  await putExtras(platform, spec, previous);
}

async function putExtras(platform: AppPlatform, spec: FunctionSpec, previous: FunctionSpec | undefined): Promise<void> {
  const { lambda } = platform;
  const FunctionName = spec.name;
  if (spec.reservedConcurrency !== undefined) await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: spec.reservedConcurrency }));
  else if (previous?.reservedConcurrency !== undefined) await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName })).catch(ignoreMissing);
  if (spec.alias !== undefined) {
    const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName }));
    const alias = { FunctionName, Name: spec.alias, FunctionVersion: Version ?? '$LATEST' };
    const hasAlias = await lambda.send(new GetAliasCommand({ FunctionName, Name: spec.alias })).then(() => true, (err: Error) => (ignoreMissing(err), false));
    if (hasAlias) await lambda.send(new UpdateAliasCommand(alias));
    else await lambda.send(new CreateAliasCommand(alias));
    if (spec.provisionedConcurrency !== undefined) {
      await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier: spec.alias, ProvisionedConcurrentExecutions: spec.provisionedConcurrency }));
    }
  }
  if (previous?.provisionedConcurrency !== undefined && previous.alias !== undefined && (spec.provisionedConcurrency === undefined || spec.alias !== previous.alias)) {
    await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier: previous.alias })).catch(ignoreMissing);
  }
  if (spec.url !== undefined) {
    const url = { FunctionName, AuthType: spec.url.authType, InvokeMode: spec.url.invokeMode, Cors: spec.url.cors as Cors | undefined };
    await lambda.send(new UpdateFunctionUrlConfigCommand(url)).catch(async (err: Error) => {
      ignoreMissing(err);
      await lambda.send(new CreateFunctionUrlConfigCommand(url));
    });
  } else if (previous?.url !== undefined) await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName })).catch(ignoreMissing);
  const ei = spec.eventInvoke;
  if (ei !== undefined) {
    await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName, MaximumRetryAttempts: ei.maximumRetryAttempts, MaximumEventAgeInSeconds: ei.maximumEventAgeInSeconds,
      DestinationConfig: { OnSuccess: ei.onSuccess ? { Destination: ei.onSuccess } : undefined, OnFailure: ei.onFailure ? { Destination: ei.onFailure } : undefined },
    }));
  } else if (previous?.eventInvoke !== undefined) await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName })).catch(ignoreMissing);
}

export async function removeFunction(platform: AppPlatform, name: string): Promise<void> {
  await platform.lambda.send(new DeleteFunctionCommand({ FunctionName: name })).catch(ignoreMissing);
}
