// The composition root: builds every part from the config and wires them together.
// No logic lives here; each part takes its I/O as parameters.
import { randomUUID } from 'node:crypto';
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
import { aliasRoutes } from './api/lambda/alias-routes.js';
import { provisionedConcurrencyRoutes } from './api/lambda/provisioned-concurrency-routes.js';
import { versionRoutes } from './api/lambda/version-routes.js';
import { layerRoutes } from './api/lambda/layer-routes.js';
import { LayerService } from './control/layers/layer-service.js';
import { createLambdaSurface } from './api/lambda/surface.js';
import { tagRoutes } from './api/lambda/tag-routes.js';
import { createLogsSurface } from './api/logs/surface.js';
import { createSqsSurface } from './api/sqs/surface.js';
import { MessageService } from './queues/message-service.js';
import { QueueService } from './queues/queue-service.js';
import { ArrivalSignals } from './queues/signals.js';
import { eventSourceMappingRoutes } from './api/lambda/event-source-mapping-routes.js';
import { EventSourceMappingService } from './control/event-source-mappings/event-source-mapping-service.js';
import { QueueDestinations, requireDeadLetterQueue } from './triggers/sqs/queue-destinations.js';
import { BrokerDestinations } from './triggers/destinations/broker-destinations.js';
import { DestinationTargets } from './triggers/destinations/destination-targets.js';
import { SqsPollers } from './triggers/sqs/sqs-pollers.js';
import { sourceRoutes } from './api/sources/source-routes.js';
import { BrokerMappingService } from './control/event-sources/broker-mapping-service.js';
import { BrokerPollers } from './triggers/sources/broker-pollers.js';
import { failureQueueSender } from './triggers/sources/failure-queue.js';
import { SOURCE_PLUGINS } from './triggers/sources/registry.js';
import { functionUrlRoutes } from './api/lambda/function-url-routes.js';
import { parseCredentialList } from './auth/sigv4.js';
import { FunctionUrlHandler } from './api/urls/url-handler.js';
import { FunctionUrlService } from './control/functions/function-url-service.js';
import { HttpInvoker } from './triggers/http/http-invoker.js';
import { HttpApiHandler } from './api/http-api/http-api-handler.js';
import { routeAdminRoutes } from './api/http-api/route-admin-routes.js';
import { s3IngestRoutes } from './api/s3-events/ingest-routes.js';
import { s3TriggerRoutes } from './api/s3-events/trigger-routes.js';
import { ExternalS3Ingest } from './triggers/s3/external/external-ingest.js';
import { ExternalS3Triggers } from './triggers/s3/external/external-triggers.js';
import { RecursionGuard } from './invoke/async/recursion-guard.js';
import { S3Notifier } from './triggers/s3/s3-notifier.js';
import { scheduleRoutes } from './api/schedules/schedule-routes.js';
import { logsRoutes } from './api/admin/logs-routes.js';
import { DashboardHandler } from './api/web/dashboard-handler.js';
import { ScheduleService } from './control/schedules/schedule-service.js';
import { ScheduleTicker } from './triggers/schedule/ticker.js';
import { JwtAuthorizer } from './triggers/http/routes/authorizers/jwt.js';
import { LambdaAuthorizer } from './triggers/http/routes/authorizers/lambda.js';
import { HttpApi } from './triggers/http/routes/http-api.js';
import { RouteService } from './triggers/http/routes/route-service.js';
import type { Config } from './config/schema.js';
import { createCodeCache } from './control/code/code-cache.js';
import { createFunctionEvents } from './control/functions/function-events.js';
import { FunctionService } from './control/functions/function-service.js';
import { AliasService } from './control/functions/alias-service.js';
import { ProvisionedConcurrencyService } from './control/functions/provisioned-concurrency-service.js';
import { QualifierLookup } from './control/functions/qualifiers.js';
import { VersionService } from './control/functions/version-service.js';
import { ProvisionedCapacity } from './invoke/provisioned-capacity.js';
import { S3Handler } from './api/s3/s3-handler.js';
import { PresignedUrlVerifier } from './api/s3/presigned.js';
import { BucketService } from './objects/bucket-service.js';
import { MultipartService } from './objects/multipart-service.js';
import { ObjectService, type ObjectServiceDeps } from './objects/object-service.js';
import { parseFunctionRef } from './util/arn.js';
import { openStorage } from './store/open-storage.js';
import { NIMBUS_VERSION } from './version.js';
import { BroadcastArrivalSignals } from './cluster/broadcast-signals.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { LeaderOnly } from './cluster/leader-only.js';
import { EventInvokeConfigService } from './control/functions/event-invoke-config-service.js';
import { AsyncInvoker } from './invoke/async/async-invoker.js';
import { AsyncDispatcher } from './invoke/async/dispatcher.js';
import { retryPolicyWithDelays } from './invoke/async/retry-policy.js';
import { FunctionResolver } from './invoke/function-resolver.js';
import { createInvocationEvents } from './invoke/invocation-events.js';
import { InvokeService } from './invoke/invoke-service.js';
import { startLogWriter } from './logs/log-writer.js';
import { createPlatformMetrics } from './metering/metrics.js';
import { startUsageRecorder } from './metering/usage-recorder.js';
import { MetricsHandler } from './api/metering/metrics-handler.js';
import { usageRoutes } from './api/metering/usage-routes.js';
import { clusterRoutes } from './api/cluster/cluster-routes.js';
import { ReservePool } from './runtime/reserve-pool.js';
import { prepareSandboxDirs } from './runtime/sandbox-dirs.js';
import { SandboxInstanceFactory } from './runtime/sandbox-instance-factory.js';
import { Scheduler } from './runtime/scheduler.js';
import { createKeepAlivePolicy } from './runtime/keep-alive/per-function.js';
import { detectSandboxDriver } from './runtime/sandbox/index.js';
import { systemClock, type Clock } from './util/time.js';
import { checkBind, isLoopbackHost } from './auth/bind-guard.js';
import { KeyService } from './auth/key-service.js';
import { Authenticator } from './auth/authenticator.js';
import { functionCredentials } from './auth/function-credentials.js';
import { keyRoutes } from './api/auth/key-routes.js';
import { sessionRoutes } from './api/auth/session-routes.js';

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
  const { store, blobs, objectData, cluster: clusterDb } = await openStorage(config);
  const keys = new KeyService({ keys: store.accessKeys, clock });
  // Refuse to serve the network with no authentication (src/auth/bind-guard.ts) before any other work.
  let bindWarning: string | undefined;
  try {
    bindWarning = checkBind({ ...config, keysExist: await keys.keysExist() });
  } catch (err) {
    await store.close();
    throw err;
  }
  if (bindWarning !== undefined) logger.info(bindWarning);
  const iamCredentials = parseCredentialList(config.iamCredentials);
  const authenticator = new Authenticator({
    keys, platformSecret: () => keys.platformSecret(), iamCredentials, defaultAccount: config.account, clock,
    enforceWithoutKeys: !isLoopbackHost(config.host) && !config.allowUnauthenticated,
  });
  let platformUrl: string | undefined; // known once the server listens (start())
  // Cluster mode: this node's membership, hints to the other nodes, leases and shared limits.
  const node = clusterDb === undefined ? undefined : new ClusterNode({
    db: clusterDb, nodeId: config.nodeId === '' ? undefined : config.nodeId, url: () => platformUrl ?? '', version: NIMBUS_VERSION, clock,
    onError: (err) => logger.error('cluster', err), log: (line) => logger.info(line),
  });
  const code = createCodeCache(path.join(config.dataDir, 'code'), blobs);
  const events = createFunctionEvents();
  node?.bridgeFunctionEvents(events);
  const versions = new VersionService({ store, code, events });
  const queueSignals = node === undefined ? new ArrivalSignals() : new BroadcastArrivalSignals(node);
  const queues = new QueueService({ repository: store.queues, clock, signals: queueSignals });
  const queueMessages = new MessageService({
    repository: store.queues, queues, clock, signals: queueSignals, onError: (err) => logger.error('queue retention sweep', err),
  });
  const layers = new LayerService({ layers: store.layers, code, clock });
  const functions = new FunctionService({
    store, code, clock, events, versions, checkDeadLetterTarget: (arn) => requireDeadLetterQueue((a) => queues.findByArn(a), arn),
    resolveLayers: (arns, codeDir) => layers.resolveForFunction(arns, codeDir),
  });

  const recovered = await functions.recover();
  if (recovered > 0) logger.info(`settled ${recovered} function update(s) interrupted by the last shutdown`);
  // Cluster mode keeps every code zip: another node may be between storing one and committing its function.
  const collected = node !== undefined ? 0 : await code.collectGarbage(new Set([...(await store.functions.referencedBlobKeys()), ...(await store.layers.referencedBlobKeys())]));
  if (collected > 0) logger.info(`removed ${collected} code package(s) no function uses`);
  const sweptObjects = await objectData.sweep(await store.objects.referencedFiles());
  if (sweptObjects > 0) logger.info(`removed ${sweptObjects} object data file(s) no object refers to (writes or deletes a stop interrupted)`);

  const sandboxDirs = await prepareSandboxDirs(config.dataDir);
  for (const note of sandboxDirs.notes) logger.info(note);
  let platformSocket: SocketListener | undefined;
  const driver = await detectSandboxDriver(config.sandbox, {
    workDir: sandboxDirs.workDir, runtime: sandboxDirs.runtime, platform: { socket: sandboxDirs.platformSocket, url: () => platformUrl },
    inspector: config.sandboxInspector,
  });
  logger.info(driver.isolation === 'namespaces'
    ? `sandbox: ${driver.name} (namespaces${driver.memoryCgroups ? ', memory cgroups' : ''})`
    : `sandbox: ${driver.name} — trusted code only (no namespace isolation on this machine)`);
  const poolSize = config.poolSize === -1 ? Math.min(8, Math.max(2, os.cpus().length * 2)) : config.poolSize;
  const pool = poolSize > 0 ? new ReservePool(driver, poolSize, (err) => logger.error('reserve pool start failed', err)) : undefined;
  const factory = new SandboxInstanceFactory({
    driver, pool, maxParallelSpawns: Math.max(2, os.cpus().length),
    credentials: async (account) => functionCredentials(await keys.platformSecret(), account),
  });
  const scheduler = new Scheduler({
    factory, clock,
    accountConcurrency: config.accountConcurrency,
    memoryBudgetMb: config.memoryBudgetMb === -1 ? Math.floor((os.totalmem() / 2 ** 20) * 0.75) : config.memoryBudgetMb,
    keepAliveMs: config.keepAliveSeconds * 1000,
    keepAlive: createKeepAlivePolicy({
      platformDefault: config.keepAlivePolicy, keepAliveMs: config.keepAliveSeconds * 1000, clock,
      readTags: async (key) => (await functions.find(key))?.tags, log: (line) => logger.info(line),
    }),
    onError: (err) => logger.error('instance error', err),
    ...(node !== undefined ? { clusterConcurrency: node.slots } : {}),
  });
  const resolver: FunctionResolver = new FunctionResolver({
    lookup: new QualifierLookup(store), code, events,
    onRetired: (functionId, version, keepSpecKey) => scheduler.retireFunction(functionId, keepSpecKey, version),
  });
  const provisioned = new ProvisionedCapacity({
    configs: store.provisionedConcurrency, resolver, scheduler, events, onError: (err) => logger.error('provisioned concurrency', err),
  });
  const invocations = createInvocationEvents();
  const logWriter = startLogWriter({ logs: store.logs, invocations, clock, retentionDays: config.logRetentionDays, onError: (err) => logger.error('log write failed', err) });
  const usageRecorder = startUsageRecorder({
    usage: store.usage, invocations, clock, retentionDays: config.usageRetentionDays, onError: (err) => logger.error('usage write failed', err),
  });
  const metrics = createPlatformMetrics({
    invocations, clock, instances: () => scheduler.snapshot(), inFlight: () => scheduler.inFlight,
    reservePool: () => (pool === undefined ? undefined : { size: pool.size, available: pool.available }), backlog: () => store.usage.backlog(),
  });
  const prices = {
    currency: 'USD', requestsPerMillion: config.priceRequestsPerMillion, freeTier: config.freeTier,
    gbSecond: { x86_64: config.priceGbSecondX86, arm64: config.priceGbSecondArm64 },
    fixedArchitecture: config.billingArchitecture === 'function' ? undefined : config.billingArchitecture,
  } as const;
  const dispatcherNodeId = node?.nodeId ?? `node-${randomUUID()}`;
  const invoker = new InvokeService({ resolver, scheduler, invocations, clock });
  const brokerDestinations = new BrokerDestinations({ urls: config, onError: (err) => logger.error('broker destination', err) });
  const dispatcher = new AsyncDispatcher({
    queue: store.events, configs: store.eventInvokeConfigs, resolver, invoker, clock,
    policy: retryPolicyWithDelays(config.asyncRetryDelaysSeconds), nodeId: dispatcherNodeId, sharedQueue: node !== undefined,
    concurrency: config.asyncConcurrency, flushLogs: () => logWriter.flush(), onError: (err) => logger.error('async delivery', err),
    recursionGuard: new RecursionGuard({ logs: store.logs, clock, log: (line) => logger.info(line) }),
    queueTargets: new DestinationTargets(new QueueDestinations({
      messages: queueMessages, onError: (err) => logger.error('queue destination', err),
      deadLetterTarget: async (key, qualifier) => (await functions.getQualified(key, qualifier)).version.settings.deadLetterTargetArn,
    }), brokerDestinations),
  });
  const asyncInvoker = new AsyncInvoker(store.events, functions, clock, () => dispatcher.wake());
  const s3Ingest = new ExternalS3Ingest({
    triggers: store.externalS3Triggers, queue: store.events, clock, wakeDispatcher: () => dispatcher.wake(), token: config.s3EventsToken,
    onError: (err) => logger.error('external S3 events', err),
  });
  const s3Notifier = new S3Notifier({
    outbox: store.objects.outbox, buckets: store.objects.notifications, queue: store.events, clock,
    wakeDispatcher: () => dispatcher.wake(), onError: (err) => logger.error('bucket notifications', err),
  });
  const eventInvokeConfigs = new EventInvokeConfigService(store.eventInvokeConfigs, functions, clock, async (arn) => (await queues.findByArn(arn)) !== undefined, brokerDestinations);
  const sqsPollers = new SqsPollers({
    repository: store.eventSourceMappings, queues, messages: queueMessages, signals: queueSignals, queueStore: store.queues, invoker, resolver,
    accountConcurrency: config.accountConcurrency, clock, onError: (err) => logger.error('event source mapping', err),
    ...(node !== undefined ? { leases: node.leases } : {}),
  });
  const eventSourceMappings = new EventSourceMappingService({
    repository: store.eventSourceMappings, functionTimeout: async (key, qualifier) => (await functions.getQualified(key, qualifier)).version.settings.timeout,
    findQueue: (arn) => queues.findByArn(arn), clock, changed: (uuid) => {
      sqsPollers.changed(uuid);
      node?.publish({ kind: 'mapping', uuid });
    },
  });
  const brokerPollers = new BrokerPollers({
    repository: store.brokerMappings, plugins: SOURCE_PLUGINS, invoker, sendToQueue: failureQueueSender(queueMessages), clock,
    onError: (err) => logger.error('event source', err), ...(node !== undefined ? { leases: node.leases } : {}),
  });
  const brokerMappings = new BrokerMappingService({
    repository: store.brokerMappings, plugin: (kind) => brokerPollers.plugin(kind), kinds: () => brokerPollers.kinds,
    functionExists: (key, qualifier) => functions.getQualified(key, qualifier).then(() => true, () => false),
    findQueue: (arn) => queues.findByArn(arn), clock,
    changed: (uuid) => {
      void brokerPollers.changed(uuid);
      node?.publish({ kind: 'mapping', uuid });
    },
    deleted: (mapping) => {
      node?.publish({ kind: 'mapping', uuid: mapping.uuid });
      brokerPollers.forget(mapping).catch((err: unknown) => logger.error('event source', err));
    },
  });
  const functionUrls = new FunctionUrlService({
    urls: store.functionUrls, functions, clock, events, changed: () => node?.publish({ kind: 'function-urls' }),
  });
  let listeningPort = config.port; // FunctionUrl names the real port once the server listens (0 picks one)
  const routeTables = new RouteService({
    repository: store.routes, clock, changed: (scope) => node?.publish({ kind: 'routes', account: scope.account, region: scope.region }),
  });
  node?.onHint((hint) => {
    if (hint.kind === 'routes') routeTables.forget({ account: hint.account, region: hint.region });
    else if (hint.kind === 'function-urls') functionUrls.forget();
    else if (hint.kind === 'schedules') scheduleTicker.current?.wake();
    else if (hint.kind === 'mapping') {
      sqsPollers.changed(hint.uuid); // SQS and broker mappings share the hint; each ignores the other's UUIDs
      void brokerPollers.changed(hint.uuid);
    }
  });
  node?.onResync(() => {
    resolver.forgetAll();
    routeTables.forget(undefined);
    functionUrls.forget();
  });
  const makeScheduleTicker = (): ScheduleTicker => new ScheduleTicker({
    schedules: store.schedules, clock, onFired: () => dispatcher.wake(), onError: (err) => logger.error('schedule ticker', err), log: (line) => logger.info(line),
  });
  // One ticker per cluster: the node that leads `schedules` runs it (a single node always does).
  const scheduleTicker = new LeaderOnly(makeScheduleTicker, (err) => logger.error('schedule ticker', err));
  const schedules = new ScheduleService({
    repository: store.schedules, clock, changed: () => {
      scheduleTicker.current?.wake();
      node?.publish({ kind: 'schedules' });
    },
    functionExists: (key, qualifier) => functions.getQualified(key, qualifier).then(() => true, () => false),
  });
  const objectDeps: ObjectServiceDeps = { repo: store.objects, data: objectData, clock, onObjectEvents: () => s3Notifier.wake() };
  const s3Services = {
    buckets: new BucketService({
      ...objectDeps,
      functionExists: (arn: string) => {
        const ref = parseFunctionRef(arn);
        if (ref.account === undefined || ref.region === undefined) return Promise.resolve(false);
        return functions.getQualified({ account: ref.account, region: ref.region, name: ref.name }, ref.qualifier).then(() => true, () => false);
      },
    }),
    objects: new ObjectService(objectDeps),
    multipart: new MultipartService(objectDeps),
  };
  const httpInvoker = new HttpInvoker(invoker, clock);
  const httpApi = new HttpApi({
    routes: routeTables, http: httpInvoker, jwt: new JwtAuthorizer({ clock }), lambda: new LambdaAuthorizer({ invoker, clock }), clock,
    log: (line) => logger.info(line),
  });

  const minimumUnreserved = Math.min(100, Math.floor(config.accountConcurrency / 10));
  const provisionedConfigs = new ProvisionedConcurrencyService({
    store, clock, events, accountConcurrency: config.accountConcurrency, minimumUnreserved, status: (c) => provisioned.status(c),
  });

  let state: PlatformState = 'created';
  const lambda = createLambdaSurface([
    ...invokeRoutes(invoker, asyncInvoker),
    ...streamRoutes(invoker),
    ...eventInvokeConfigRoutes(eventInvokeConfigs),
    ...functionUrlRoutes(functionUrls, () => listeningPort),
    ...functionRoutes(functions, versions),
    ...versionRoutes(versions),
    ...layerRoutes(layers),
    ...aliasRoutes(new AliasService(store, events)),
    ...provisionedConcurrencyRoutes(provisionedConfigs),
    ...tagRoutes(functions),
    ...accountRoutes(functions, { concurrentExecutions: config.accountConcurrency }),
    ...concurrencyRoutes(functions, { accountConcurrency: config.accountConcurrency, minimumUnreserved }),
    ...eventSourceMappingRoutes(eventSourceMappings),
  ]);
  const admin = createAdminSurface({
    blobs, nodeVersion: process.version, isReady: () => state === 'serving',
    instances: () => scheduler.snapshot(), sandbox: { driver: driver.name, isolation: driver.isolation }, events: store.events,
    extraRoutes: [
      ...routeAdminRoutes({ routes: routeTables, functionExists: async (key) => (await functions.find(key)) !== undefined }),
      ...scheduleRoutes(schedules),
      ...logsRoutes(store.logs),
      ...keyRoutes(keys),
      ...sessionRoutes({ keys, clock }),
      ...s3TriggerRoutes({ triggers: new ExternalS3Triggers(store.externalS3Triggers, clock), functionExists: async (key) => (await functions.find(key)) !== undefined }),
      ...s3IngestRoutes(s3Ingest),
      ...sourceRoutes(brokerMappings, (uuid) => brokerPollers.lag(uuid)),
      ...usageRoutes({ usage: store.usage, prices, clock, flush: () => usageRecorder.flush() }),
      ...clusterRoutes({
        nodeId: dispatcherNodeId, list: node === undefined ? undefined : () => node.registry.list(),
        url: () => platformUrl ?? '', version: NIMBUS_VERSION, startedAt: clock(),
      }),
    ],
  });
  const server = createApiServer({
    surfaces: [lambda, admin, createLogsSurface({ logs: store.logs }),
      createSqsSurface({ queues, messages: queueMessages, onInternalError: (err, requestId) => logger.error(`SQS request ${requestId} failed`, err) })],
    defaultScope: { account: config.account, region: config.region },
    onInternalError: (err, requestId) => logger.error(`request ${requestId} failed`, err),
    authenticator,
    rawHandlers: [
      new S3Handler({
        ...s3Services, presigned: new PresignedUrlVerifier(iamCredentials, clock), authenticator,
        defaultScope: { account: config.account, region: config.region },
        onInternalError: (err, requestId) => logger.error(`S3 request ${requestId} failed`, err),
      }),
      new FunctionUrlHandler({
        urls: functionUrls, invoker: httpInvoker, defaultScope: { account: config.account, region: config.region },
        verifier: authenticator,
      }),
      new HttpApiHandler({
        api: httpApi, defaultScope: { account: config.account, region: config.region },
        onInternalError: (err, requestId) => logger.error(`HTTP API request ${requestId} failed`, err),
      }),
      new MetricsHandler(metrics), // after the hosts of buckets, URLs and APIs, which keep their own /metrics
      new DashboardHandler(), // last: claims only unsigned GET / and /assets/*
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
      await node?.start();
      await dispatcher.start();
      await provisioned.start(); // once listening: instances read the platform endpoint when made
      s3Notifier.start(); // after the dispatcher: changes a crash left in the outbox wake it
      queueMessages.start();
      await sqsPollers.start(); // resumes every enabled mapping, finishes changes a stop interrupted
      await brokerPollers.start(); // after the dispatcher: resumes every enabled event source where its checkpoint is
      // After the dispatcher: recovered ticks wake it.
      if (node === undefined) scheduleTicker.set(true);
      else await node.lead('schedules', (leading) => scheduleTicker.set(leading));
      state = 'serving';
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}`;
    },
    dispose() {
      disposing ??= (async () => {
        state = 'draining';
        await sqsPollers.dispose(); // no new batches; the running ones finish and settle
        await brokerPollers.dispose(); // likewise for event sources; unsettled records stay with their source
        queueMessages.dispose(); // long polls answer now instead of holding server.close() for up to 20 s
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await scheduleTicker.dispose(); // before the dispatcher, which delivers what it fires
        await s3Notifier.dispose(); // before the dispatcher, which delivers what it enqueues
        await dispatcher.dispose();
        await brokerDestinations.dispose(); // after the dispatcher, the last to publish
        provisioned.dispose();
        resolver.dispose();
        functionUrls.dispose();
        await scheduler.dispose();
        await factory.dispose();
        await platformSocket?.close(); // after the sandboxes: their keep-alive connections are gone
        await logWriter.dispose();
        metrics.dispose();
        await usageRecorder.dispose();
        await node?.stop();
        await store.close();
        state = 'stopped';
      })();
      return disposing;
    },
  };
}
