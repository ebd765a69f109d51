// The composition root: builds every part from the config and wires them together.
// No logic lives here; each part takes its I/O as parameters.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdminSurface } from './api/admin/surface.js';
import { createApiServer, listenOnUnixSocket, localUrl, type SocketListener } from './api/http/server.js';
import { accountRoutes } from './api/lambda/account-routes.js';
import { concurrencyRoutes } from './api/lambda/concurrency-routes.js';
import { eventInvokeConfigRoutes } from './api/lambda/event-invoke-config-routes.js';
import { invokeRoutes } from './api/lambda/invoke-routes.js';
import { streamRoutes } from './api/lambda/stream-routes.js';
import { functionRoutes } from './api/lambda/function-routes.js';
import { createLambdaSurface } from './api/lambda/surface.js';
import { tagRoutes } from './api/lambda/tag-routes.js';
import { createLogsSurface } from './api/logs/surface.js';
import { functionUrlRoutes } from './api/lambda/function-url-routes.js';
import { parseCredentialList, SigV4Verifier } from './api/http/sigv4-verify.js';
import { FunctionUrlHandler } from './api/urls/url-handler.js';
import { FunctionUrlService } from './control/functions/function-url-service.js';
import { HttpInvoker } from './triggers/http/http-invoker.js';
import { HttpApiHandler } from './api/http-api/http-api-handler.js';
import { routeAdminRoutes } from './api/http-api/route-admin-routes.js';
import { JwtAuthorizer } from './triggers/http/routes/authorizers/jwt.js';
import { LambdaAuthorizer } from './triggers/http/routes/authorizers/lambda.js';
import { HttpApi } from './triggers/http/routes/http-api.js';
import { RouteService } from './triggers/http/routes/route-service.js';
import type { Config } from './config/schema.js';
import { NimbusError } from './errors.js';
import { createCodeCache } from './control/code/code-cache.js';
import { createFunctionEvents } from './control/functions/function-events.js';
import { FunctionService } from './control/functions/function-service.js';
import { createFsBlobStore } from './store/blob/fs-blob-store.js';
import { createSqliteStore } from './store/sqlite/index.js';
import { EventInvokeConfigService } from './control/functions/event-invoke-config-service.js';
import { AsyncInvoker } from './invoke/async/async-invoker.js';
import { AsyncDispatcher } from './invoke/async/dispatcher.js';
import { retryPolicyWithDelays } from './invoke/async/retry-policy.js';
import { FunctionResolver } from './invoke/function-resolver.js';
import { createInvocationEvents } from './invoke/invocation-events.js';
import { InvokeService } from './invoke/invoke-service.js';
import { startLogWriter } from './logs/log-writer.js';
import { ReservePool } from './runtime/reserve-pool.js';
import { prepareSandboxDirs } from './runtime/sandbox-dirs.js';
import { SandboxInstanceFactory } from './runtime/sandbox-instance-factory.js';
import { Scheduler } from './runtime/scheduler.js';
import { detectSandboxDriver } from './runtime/sandbox/index.js';
import { systemClock, type Clock } from './util/time.js';

export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface PlatformDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
}

export type PlatformState = 'created' | 'serving' | 'draining' | 'stopped';

export interface Platform {
  readonly state: PlatformState;
  /** Binds the port and serves; resolves with the URL. */
  start(): Promise<string>;
  /** Stops intake, lets in-flight requests finish, closes the store. Idempotent. */
  dispose(): Promise<void>;
}

export async function createPlatform(config: Config, deps: PlatformDeps): Promise<Platform> {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  if (config.store.startsWith('postgres')) {
    throw new NimbusError('ConfigInvalid', 'invalid configuration: store: postgres:// is reserved for cluster mode, which this build does not include yet; leave it empty for SQLite');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const store = createSqliteStore(config.store.startsWith('sqlite:') ? config.store.slice('sqlite:'.length) : path.join(config.dataDir, 'nimbus.db'));
  const blobs = createFsBlobStore(path.join(config.dataDir, 'blobs'));
  const code = createCodeCache(path.join(config.dataDir, 'code'), blobs);
  const events = createFunctionEvents();
  const functions = new FunctionService({ store, code, clock, events });

  const recovered = await functions.recover();
  if (recovered > 0) logger.info(`settled ${recovered} function update(s) interrupted by the last shutdown`);
  const collected = await code.collectGarbage(await store.functions.referencedBlobKeys());
  if (collected > 0) logger.info(`removed ${collected} code package(s) no function uses`);

  const sandboxDirs = await prepareSandboxDirs(config.dataDir);
  for (const note of sandboxDirs.notes) logger.info(note);
  let platformUrl: string | undefined; // known once the server listens (start())
  let platformSocket: SocketListener | undefined;
  const driver = await detectSandboxDriver(config.sandbox, {
    workDir: sandboxDirs.workDir, runtime: sandboxDirs.runtime, platform: { socket: sandboxDirs.platformSocket, url: () => platformUrl },
  });
  logger.info(driver.isolation === 'namespaces'
    ? `sandbox: ${driver.name} (namespaces${driver.memoryCgroups ? ', memory cgroups' : ''})`
    : `sandbox: ${driver.name} — trusted code only (no namespace isolation on this machine)`);
  const poolSize = config.poolSize === -1 ? Math.min(8, Math.max(2, os.cpus().length * 2)) : config.poolSize;
  const pool = poolSize > 0 ? new ReservePool(driver, poolSize, (err) => logger.error('reserve pool start failed', err)) : undefined;
  const factory = new SandboxInstanceFactory({ driver, pool, maxParallelSpawns: Math.max(2, os.cpus().length) });
  const scheduler = new Scheduler({
    factory, clock,
    accountConcurrency: config.accountConcurrency,
    memoryBudgetMb: config.memoryBudgetMb === -1 ? Math.floor((os.totalmem() / 2 ** 20) * 0.75) : config.memoryBudgetMb,
    keepAliveMs: config.keepAliveSeconds * 1000,
    onError: (err) => logger.error('instance error', err),
  });
  const resolver = new FunctionResolver(functions, code, events, (functionId, current) => scheduler.retireFunction(functionId, current?.specKey));
  const invocations = createInvocationEvents();
  const logWriter = startLogWriter({ logs: store.logs, invocations, clock, retentionDays: config.logRetentionDays, onError: (err) => logger.error('log write failed', err) });
  const invoker = new InvokeService({ resolver, scheduler, invocations, clock });
  const dispatcher = new AsyncDispatcher({
    queue: store.events, configs: store.eventInvokeConfigs, resolver, invoker, clock,
    policy: retryPolicyWithDelays(config.asyncRetryDelaysSeconds), nodeId: `node-${randomUUID()}`,
    concurrency: config.asyncConcurrency, flushLogs: () => logWriter.flush(), onError: (err) => logger.error('async delivery', err),
  });
  const asyncInvoker = new AsyncInvoker(store.events, functions, clock, () => dispatcher.wake());
  const eventInvokeConfigs = new EventInvokeConfigService(store.eventInvokeConfigs, functions, clock);
  const functionUrls = new FunctionUrlService({ urls: store.functionUrls, functions, clock });
  let listeningPort = config.port; // FunctionUrl names the real port once the server listens (0 picks one)
  const routeTables = new RouteService({ repository: store.routes, clock });
  const httpInvoker = new HttpInvoker(invoker, clock);
  const httpApi = new HttpApi({
    routes: routeTables, http: httpInvoker, jwt: new JwtAuthorizer({ clock }), lambda: new LambdaAuthorizer({ invoker, clock }), clock,
    log: (line) => logger.info(line),
  });

  let state: PlatformState = 'created';
  const lambda = createLambdaSurface([
    ...invokeRoutes(invoker, asyncInvoker),
    ...streamRoutes(invoker),
    ...eventInvokeConfigRoutes(eventInvokeConfigs),
    ...functionUrlRoutes(functionUrls, () => listeningPort),
    ...functionRoutes(functions),
    ...tagRoutes(functions),
    ...accountRoutes(functions, { concurrentExecutions: config.accountConcurrency }),
    ...concurrencyRoutes(functions, { accountConcurrency: config.accountConcurrency, minimumUnreserved: Math.min(100, Math.floor(config.accountConcurrency / 10)) }),
  ]);
  const admin = createAdminSurface({
    blobs, nodeVersion: process.version, isReady: () => state === 'serving',
    instances: () => scheduler.snapshot(), sandbox: { driver: driver.name, isolation: driver.isolation }, events: store.events,
    extraRoutes: routeAdminRoutes({ routes: routeTables, functionExists: async (key) => (await functions.find(key)) !== undefined }),
  });
  const server = createApiServer({
    surfaces: [lambda, admin, createLogsSurface({ logs: store.logs })],
    defaultScope: { account: config.account, region: config.region },
    onInternalError: (err, requestId) => logger.error(`request ${requestId} failed`, err),
    rawHandlers: [
      new FunctionUrlHandler({
        urls: functionUrls, invoker: httpInvoker, defaultScope: { account: config.account, region: config.region },
        verifier: new SigV4Verifier(parseCredentialList(config.iamCredentials), clock),
      }),
      new HttpApiHandler({
        api: httpApi, defaultScope: { account: config.account, region: config.region },
        onInternalError: (err, requestId) => logger.error(`HTTP API request ${requestId} failed`, err),
      }),
    ],
  });

  let disposing: Promise<void> | undefined;
  return {
    get state() {
      return state;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      platformSocket = await listenOnUnixSocket(server, sandboxDirs.platformSocket);
      platformUrl = localUrl(server);
      listeningPort = (server.address() as AddressInfo).port;
      await dispatcher.start();
      state = 'serving';
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}`;
    },
    dispose() {
      disposing ??= (async () => {
        state = 'draining';
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await dispatcher.dispose();
        resolver.dispose();
        await scheduler.dispose();
        await factory.dispose();
        await platformSocket?.close(); // after the sandboxes: their keep-alive connections are gone
        await logWriter.dispose();
        await store.close();
        state = 'stopped';
      })();
      return disposing;
    },
  };
}
