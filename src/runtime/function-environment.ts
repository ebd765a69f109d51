// The environment a function's runtime sees (lambda-reference §4.1). Built from the
// function's own variables and the platform's, never from the platform's environment.
// Precedence as in Lambda: customer variables < platform-reserved ones.
import type { FunctionSpec } from './execution-types.js';

export interface EnvironmentContext {
  readonly logStream: string;
  readonly initType: 'on-demand' | 'provisioned-concurrency';
  /** Where code lives as the guest sees it (`/var/task` inside bwrap). */
  readonly taskRoot: string;
  /** Endpoint for the AWS SDK inside the sandbox, when platform access is available. */
  readonly awsEndpoint?: string | undefined;
}

export function functionEnvironment(spec: FunctionSpec, ctx: EnvironmentContext): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    ...spec.environment,
    // Unreserved platform variables a function may not override either in practice.
    NODE_PATH: `/opt/nodejs/node_modules:/var/runtime/node_modules:${ctx.taskRoot}`,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Reserved.
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: ctx.initType,
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStream,
    // Nimbus's runtime speaks its own protocol over an inherited socket; this names it
    // for code that checks the variable exists.
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    // Placeholder credentials so the AWS SDK inside a function signs requests to the
    // platform without searching for a profile (any credentials are accepted on loopback).
    AWS_ACCESS_KEY_ID: 'ASIANIMBUSFUNCTION00',
    AWS_SECRET_ACCESS_KEY: 'nimbus-function-secret',
    AWS_SESSION_TOKEN: 'nimbus-function-session',
    LAMBDA_TASK_ROOT: ctx.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
  };
  if (spec.logFormat === 'JSON') env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
  if (ctx.awsEndpoint !== undefined) env.AWS_ENDPOINT_URL = ctx.awsEndpoint;
  return env;
}
