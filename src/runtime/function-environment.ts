// The environment a function's runtime sees (lambda-reference §4.1). Built from the
// function's own variables and the platform's, never from the platform's environment.
// Precedence as in Lambda: customer variables < platform-reserved ones.
import type { FunctionSpec } from './execution-types.js';

export interface EnvironmentContext {
  readonly logStream: string;
  readonly initType: 'on-demand' | 'provisioned-concurrency';
  /** Where code lives as the guest sees it (`/var/task` inside bwrap). */
  readonly taskRoot: string;
  /** The sandbox's writable temp dir as the guest sees it (`/tmp` inside bwrap); HOME. */
  readonly tmpDir?: string | undefined;
  /** Endpoint for the AWS SDK inside the sandbox, when platform access is available. */
  readonly awsEndpoint?: string | undefined;
}

export function functionEnvironment(spec: FunctionSpec, ctx: EnvironmentContext): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    // The platform's own API for the AWS SDK (`new LambdaClient({})` just works). Not
    // reserved on Lambda, so a function's own AWS_ENDPOINT_URL wins. Inside bwrap it is the
    // guest's forwarder on 127.0.0.1:9000 (sandbox/bwrap.ts), with the process driver the
    // platform's TCP URL.
    ...(ctx.awsEndpoint !== undefined ? { AWS_ENDPOINT_URL: ctx.awsEndpoint } : {}),
    // The SDK looks for ~/.aws/config; with no HOME it asks getpwuid, which fails for the
    // sandbox uid (no passwd entry; Lambda has one). A writable home, as many set on Lambda.
    HOME: ctx.tmpDir ?? '/tmp',
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
    // for code that checks the variable exists. 9001 stays Lambda's Runtime API port; the
    // platform forwarder uses 9000.
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    // Credentials so the AWS SDK inside a function signs requests to the platform without
    // searching for a profile (signatures are not checked). The access key id is the
    // function's account (a 12-digit key id names the account, api/http/sigv4-scope.ts),
    // so its calls land in its own account, as a Lambda role's credentials do.
    AWS_ACCESS_KEY_ID: spec.account,
    AWS_SECRET_ACCESS_KEY: 'nimbus-function-secret',
    AWS_SESSION_TOKEN: 'nimbus-function-session',
    LAMBDA_TASK_ROOT: ctx.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
  };
  if (spec.logFormat === 'JSON') env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
  return env;
}
