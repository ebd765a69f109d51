// One AWS::Serverless::Function's properties (Globals already merged, intrinsics resolved)
// as a FunctionSpec, with each property Nimbus cannot honour reported by name.
import path from 'node:path';
import type { EventInvokeSpec, FunctionSpec, FunctionUrlSpec } from './app-model.js';
import type { Problems } from './app-error.js';
import { record, optionalNumber, optionalString } from './values.js';

/** Properties that describe AWS permissions, tracing or networking: accepted, with a note, as Nimbus has none of these. */
export const NOT_ENFORCED = new Set(['Role', 'Policies', 'PermissionsBoundary', 'Tracing', 'Tags', 'Architectures', 'VpcConfig', 'KmsKeyArn', 'RolePath', 'PackageType', 'AssumeRolePolicyDocument', 'LoggingConfig', 'RuntimeManagementConfig', 'FunctionUrlConfig.Cors']);

const SUPPORTED = new Set(['FunctionName', 'CodeUri', 'Handler', 'Runtime', 'MemorySize', 'Timeout', 'Description', 'Environment', 'Layers', 'AutoPublishAlias',
  'ReservedConcurrentExecutions', 'ProvisionedConcurrencyConfig', 'FunctionUrlConfig', 'DeadLetterQueue', 'EventInvokeConfig', 'Events']);

function eventInvoke(value: unknown, where: string, problems: Problems): EventInvokeSpec {
  const v = record(value, where, problems);
  const destinations = record(v.DestinationConfig ?? {}, `${where}.DestinationConfig`, problems);
  const destination = (key: 'OnSuccess' | 'OnFailure'): string | undefined => {
    const d = destinations[key];
    return d === undefined ? undefined : optionalString(record(d, `${where}.DestinationConfig.${key}`, problems).Destination, `${where}.DestinationConfig.${key}.Destination`, problems);
  };
  return {
    maximumRetryAttempts: optionalNumber(v.MaximumRetryAttempts, `${where}.MaximumRetryAttempts`, problems),
    maximumEventAgeInSeconds: optionalNumber(v.MaximumEventAgeInSeconds, `${where}.MaximumEventAgeInSeconds`, problems),
    onSuccess: destination('OnSuccess'),
    onFailure: destination('OnFailure'),
  };
}

function functionUrl(value: unknown, where: string, problems: Problems): FunctionUrlSpec {
  const v = record(value, where, problems);
  const authType = v.AuthType ?? 'NONE';
  if (authType !== 'NONE' && authType !== 'AWS_IAM') problems.add(`${where}.AuthType must be NONE or AWS_IAM, got ${JSON.stringify(authType)}`);
  const invokeMode = v.InvokeMode as FunctionUrlSpec['invokeMode'];
  return { authType: authType as FunctionUrlSpec['authType'], ...(invokeMode ? { invokeMode } : {}), ...(v.Cors ? { cors: record(v.Cors, `${where}.Cors`, problems) } : {}) };
}

export function samFunction(id: string, name: string, props: Record<string, unknown>, baseDir: string, problems: Problems, notes: string[]): FunctionSpec {
  const where = `${id} (AWS::Serverless::Function)`;
  for (const key of Object.keys(props)) {
    if (NOT_ENFORCED.has(key)) notes.push(`${id}.${key} is accepted but not enforced by Nimbus`);
    else if (!SUPPORTED.has(key)) problems.add(`${where}: property ${key} is not supported`);
  }
  const codeUri = props.CodeUri ?? '.';
  if (typeof codeUri !== 'string') problems.add(`${where}: CodeUri must be a local directory (an S3 location is not supported)`);
  const handler = optionalString(props.Handler, `${where}.Handler`, problems);
  const runtime = optionalString(props.Runtime, `${where}.Runtime`, problems);
  if (handler === undefined) problems.add(`${where}: Handler is required`);
  if (runtime === undefined) problems.add(`${where}: Runtime is required`);
  const variables = record(record(props.Environment ?? {}, `${where}.Environment`, problems).Variables ?? {}, `${where}.Environment.Variables`, problems);
  const layers = props.Layers ?? [];
  if (!Array.isArray(layers) || layers.some((l) => typeof l !== 'string')) problems.add(`${where}.Layers must be a list of layer version ARNs`);
  const dlq = props.DeadLetterQueue === undefined ? undefined : record(props.DeadLetterQueue, `${where}.DeadLetterQueue`, problems);
  if (dlq !== undefined && dlq.Type !== 'SQS') problems.add(`${where}.DeadLetterQueue.Type ${JSON.stringify(dlq.Type)} is not supported (only SQS)`);
  const alias = optionalString(props.AutoPublishAlias, `${where}.AutoPublishAlias`, problems);
  const provisioned = props.ProvisionedConcurrencyConfig === undefined ? undefined
    : optionalNumber(record(props.ProvisionedConcurrencyConfig, `${where}.ProvisionedConcurrencyConfig`, problems).ProvisionedConcurrentExecutions, `${where}.ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions`, problems);
  if (provisioned !== undefined && alias === undefined) problems.add(`${where}: ProvisionedConcurrencyConfig needs AutoPublishAlias`);
  return {
    name,
    codeDir: path.resolve(baseDir, typeof codeUri === 'string' ? codeUri : '.'),
    handler: handler ?? '',
    runtime: runtime ?? '',
    memorySize: optionalNumber(props.MemorySize, `${where}.MemorySize`, problems),
    timeout: optionalNumber(props.Timeout, `${where}.Timeout`, problems),
    description: optionalString(props.Description, `${where}.Description`, problems),
    environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    layers: Array.isArray(layers) ? (layers as string[]) : [],
    deadLetterTargetArn: dlq === undefined ? undefined : optionalString(dlq.TargetArn, `${where}.DeadLetterQueue.TargetArn`, problems),
    reservedConcurrency: optionalNumber(props.ReservedConcurrentExecutions, `${where}.ReservedConcurrentExecutions`, problems),
    alias,
    provisionedConcurrency: provisioned,
    url: props.FunctionUrlConfig === undefined ? undefined : functionUrl(props.FunctionUrlConfig, `${where}.FunctionUrlConfig`, problems),
    eventInvoke: props.EventInvokeConfig === undefined ? undefined : eventInvoke(props.EventInvokeConfig, `${where}.EventInvokeConfig`, problems),
  };
}
