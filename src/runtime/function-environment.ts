// The environment a function's runtime sees (lambda-reference §4.1). Built from the
// function's own variables and the platform's, never from the platform's environment.
// Precedence as in Lambda: customer variables < platform-reserved ones.
import type { FunctionCredentials } from '../auth/function-credentials.js';
import type { FunctionSpec } from './execution-types.js';
import { executionEnv } from './runtime-bootstrap.js';

export interface EnvironmentContext {
  readonly logStream: string;
  readonly initType: 'on-demand' | 'provisioned-concurrency';
  /** Where code lives as the guest sees it (`/var/task` inside bwrap). */
  readonly taskRoot: string;
  /** The sandbox's writable temp dir as the guest sees it (`/tmp` inside bwrap); HOME. */
  readonly tmpDir?: string | undefined;
  /** Where layers appear to the guest (`/opt` inside bwrap, the default). */
  readonly optDir?: string | undefined;
  /** Endpoint for the AWS SDK inside the sandbox, when platform access is available. */
  readonly awsEndpoint?: string | undefined;
  /** The function's own credentials for calling the platform (derived per account). */
  readonly credentials?: FunctionCredentials | undefined;
}

export function functionEnvironment(spec: FunctionSpec, ctx: EnvironmentContext): Record<string, string> {
  const opt = ctx.optDir ?? '/opt';
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
    // Layers' modules as Lambda finds them: /opt/nodejs/node_modules (NODE_PATH) and, for
    // python3.* functions, /opt/python (PYTHONPATH; the bootstrap puts the task root first).
    NODE_PATH: `${opt}/nodejs/node_modules:/var/runtime/node_modules:${ctx.taskRoot}`,
    ...(spec.runtime.startsWith('python3.') ? { PYTHONPATH: `${opt}/python` } : {}),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Reserved.
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: ctx.initType,
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStream,
    // Lambda's Runtime API port. A custom runtime's bootstrap gets the address the guest
    // actually serves it on (guest/runtime-api/: 9001, or a free port when the sandbox
    // shares the host network); the built-in Node runtime uses its own protocol instead.
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    // Credentials so the AWS SDK inside a function signs requests to the platform without
    // searching for a profile: the function's derived ASIA… key, secret and session token
    // (src/auth/function-credentials.ts), which the authenticator accepts in enforced mode
    // and which act in the function's own account only, as a Lambda role's credentials do.
    // Without them (tests of the runtime alone) the access key id is the account itself,
    // which open mode reads as the account (auth/credential-scope.ts).
    AWS_ACCESS_KEY_ID: ctx.credentials?.accessKeyId ?? spec.account,
    AWS_SECRET_ACCESS_KEY: ctx.credentials?.secretAccessKey ?? 'nimbus-function-secret',
    AWS_SESSION_TOKEN: ctx.credentials?.sessionToken ?? 'nimbus-function-session',
    LAMBDA_TASK_ROOT: ctx.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
  };
  if (spec.logFormat === 'JSON') env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
  const execution = executionEnv(spec.runtime);
  if (execution !== undefined) env.AWS_EXECUTION_ENV = execution;
  return env;
}
