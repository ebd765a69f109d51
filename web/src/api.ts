// The platform's APIs as the page uses them: the Lambda REST API and /nimbus/v1, unsigned
// (the platform puts unsigned calls in its default account and region; once access keys
// exist it wants the dashboard's session cookie instead, see signIn).
export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

/** The error types with which the APIs refuse a caller they do not know: the page must sign in. */
const AUTH_ERRORS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'AccessDenied', 'MissingAuthenticationToken',
  'MissingAuthenticationTokenException', 'NotAuthorizedException']);

export function isAuthError(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 401 || err.status === 403) && AUTH_ERRORS.has(err.type);
}

let authRequired: () => void = () => undefined;
/** Called whenever an API refuses the page for want of credentials (the request still fails). */
export function onAuthRequired(handler: () => void): void {
  authRequired = handler;
}

async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    const text = await res.text();
    let type = res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`;
    let message = text;
    try {
      const parsed = JSON.parse(text) as { message?: string; Message?: string; __type?: string };
      message = parsed.message ?? parsed.Message ?? text;
      type = parsed.__type ?? type;
    } catch { /* not JSON: the text is the message */ }
    const error = new ApiError(res.status, type.split(':')[0] ?? type, message);
    if (isAuthError(error) && path !== '/nimbus/v1/login') authRequired();
    throw error;
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request('GET', path)).json() as Promise<T>;
}

export async function sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
  return (await request(method, path, body)).json() as Promise<T>;
}

/** For endpoints another part of the platform may not serve yet (metering): undefined when absent. */
export async function getOptional<T>(path: string): Promise<T | undefined> {
  try {
    return await getJson<T>(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && /UnknownOperation|No Nimbus API/.test(`${err.type} ${err.message}`)) return undefined;
    throw err;
  }
}

export interface WhoAmI { mode: 'open' | 'enforced'; account: string; accessKeyId?: string }
export const whoami = (): Promise<WhoAmI> => getJson('/nimbus/v1/whoami');
/** Starts a session: the platform answers with an HttpOnly cookie the browser sends from then on. */
export const signIn = (accessKeyId: string, secretAccessKey: string): Promise<{ accessKeyId: string; account: string }> =>
  sendJson('POST', '/nimbus/v1/login', { accessKeyId, secretAccessKey });
export async function signOut(): Promise<void> {
  await request('POST', '/nimbus/v1/logout', {});
}

const fn = (name: string): string => `/2015-03-31/functions/${encodeURIComponent(name)}`;

export interface FunctionConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Handler?: string;
  MemorySize: number;
  Timeout: number;
  CodeSha256: string;
  CodeSize: number;
  LastModified: string;
  State?: string;
  StateReason?: string;
  LastUpdateStatus?: string;
  Version: string;
  Description?: string;
  Architectures?: string[];
  Environment?: { Variables?: Record<string, string> };
  EphemeralStorage?: { Size: number };
  PackageType?: string;
}

export interface Alias { Name: string; FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } }

export async function listFunctions(): Promise<FunctionConfig[]> {
  const all: FunctionConfig[] = [];
  let marker: string | undefined;
  do {
    const page = await getJson<{ Functions: FunctionConfig[]; NextMarker?: string }>(`/2015-03-31/functions/${marker ? `?Marker=${encodeURIComponent(marker)}` : ''}`);
    all.push(...page.Functions);
    marker = page.NextMarker;
  } while (marker);
  return all;
}

export const getFunction = (name: string): Promise<{ Configuration: FunctionConfig; Tags?: Record<string, string>; Concurrency?: { ReservedConcurrentExecutions?: number } }> => getJson(fn(name));
export const getConfiguration = (name: string): Promise<FunctionConfig> => getJson(`${fn(name)}/configuration`);
export const listVersions = async (name: string): Promise<FunctionConfig[]> => (await getJson<{ Versions: FunctionConfig[] }>(`${fn(name)}/versions`)).Versions;
export const listAliases = async (name: string): Promise<Alias[]> => (await getJson<{ Aliases: Alias[] }>(`${fn(name)}/aliases`)).Aliases;
export const listUrls = async (name: string): Promise<{ FunctionUrl: string; AuthType: string; InvokeMode?: string }[]> =>
  (await getJson<{ FunctionUrlConfigs: { FunctionUrl: string; AuthType: string; InvokeMode?: string }[] }>(`/2021-10-31/functions/${encodeURIComponent(name)}/urls`)).FunctionUrlConfigs;
export const listMappings = async (name: string): Promise<{ UUID: string; EventSourceArn: string; State: string; BatchSize: number }[]> =>
  (await getJson<{ EventSourceMappings: { UUID: string; EventSourceArn: string; State: string; BatchSize: number }[] }>(`/2015-03-31/event-source-mappings/?FunctionName=${encodeURIComponent(name)}`)).EventSourceMappings;
export const listRoutes = async (): Promise<{ routeKey: string; function: string; qualifier?: string }[]> =>
  (await getJson<{ routes: { routeKey: string; function: string; qualifier?: string }[] }>('/nimbus/v1/routes')).routes;
export const listSchedules = async (name: string): Promise<{ name: string; expression: string; timezone?: string; state: string; nextFireAt?: string }[]> =>
  (await getJson<{ schedules: { name: string; expression: string; timezone?: string; state: string; nextFireAt?: string }[] }>(`/nimbus/v1/schedules?function=${encodeURIComponent(name)}`)).schedules;
export const instances = (): Promise<{ sandbox: { driver: string; isolation: string }; functions: { name: string; live: number; idle: number }[] }> => getJson('/nimbus/v1/instances');

export interface InvokeResult {
  readonly status: number;
  readonly functionError: string | undefined;
  readonly executedVersion: string | undefined;
  readonly payload: string;
  readonly log: string;
  readonly requestId: string | undefined;
}

export async function invoke(name: string, payload: string): Promise<InvokeResult> {
  const res = await request('POST', `${fn(name)}/invocations`, payload, { 'x-amz-log-type': 'Tail', 'content-type': 'application/json' });
  const logResult = res.headers.get('x-amz-log-result');
  return {
    status: res.status,
    functionError: res.headers.get('x-amz-function-error') ?? undefined,
    executedVersion: res.headers.get('x-amz-executed-version') ?? undefined,
    payload: await res.text(),
    log: logResult ? new TextDecoder().decode(Uint8Array.from(atob(logResult), (c) => c.charCodeAt(0))) : '',
    requestId: res.headers.get('x-amzn-requestid') ?? undefined,
  };
}

export interface DeployInput {
  readonly name: string;
  readonly zipBase64: string;
  readonly runtime: string;
  readonly handler: string;
  readonly memorySize: number;
  readonly timeout: number;
}

/** CreateFunction, or UpdateFunctionCode when the function exists. */
export async function deployZip(input: DeployInput, exists: boolean): Promise<FunctionConfig> {
  if (exists) return sendJson('PUT', `${fn(input.name)}/code`, { ZipFile: input.zipBase64 });
  return sendJson('POST', '/2015-03-31/functions', {
    FunctionName: input.name, Runtime: input.runtime, Handler: input.handler, MemorySize: input.memorySize, Timeout: input.timeout,
    Role: 'arn:aws:iam::000000000000:role/nimbus-dashboard', Code: { ZipFile: input.zipBase64 },
  });
}

export interface LogLine { id: number; timestamp: number; logStream: string; requestId?: string; message: string }
export const logs = (name: string, after?: number, limit = 200): Promise<{ events: LogLine[]; next: number }> =>
  getJson(`/nimbus/v1/logs?function=${encodeURIComponent(name)}&limit=${limit}${after === undefined ? '' : `&after=${after}`}`);
