// One HTTP port for every surface. A request goes to the surface named by its SigV4
// service (so S3, SQS and Lambda can share the port), or, unsigned, to the first surface
// that claims its path. Each surface has its own router and error shape.
import { randomUUID } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import FindMyWay, { type HTTPVersion } from 'find-my-way';
import { NimbusError } from '../../errors.js';
import type { Scope } from '../../store/records.js';
import { BodyTooLarge, readBody } from './body.js';
import { parseRequestTarget } from './request-target.js';
import { accountOf, readCredentialScope } from '../../auth/credential-scope.js';
import { isRefusal } from '../../auth/authenticator.js';
import type { ApiRequest, ApiResponse, RawHttpHandler, RequestAuthenticator, Route, Surface } from './types.js';

export interface ApiServerOptions {
  readonly surfaces: readonly Surface[];
  readonly defaultScope: Scope;
  /** Called for errors that are the platform's fault, with the request id. */
  readonly onInternalError: (err: unknown, requestId: string) => void;
  /** Asked first, in order, whether they take a request (function URLs, HTTP API routes). */
  readonly rawHandlers?: readonly RawHttpHandler[];
  /**
   * Checks each request to a surface with `auth` after its body is read and before its
   * route runs; the caller's account replaces the one the request claims. Without it,
   * requests act in the account their credential scope names (tests of single surfaces).
   */
  readonly authenticator?: RequestAuthenticator;
  /** Slow-client limits; the defaults suit the API (tests shorten them). */
  readonly timeouts?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** Time a client has to send the request line and headers (slowloris protection). */
  readonly headersMs: number;
  /** Time a client has to send the whole request: long enough for a 70 MB CreateFunction on a slow link. */
  readonly requestMs: number;
  /** How often node:http checks the two deadlines above (its default, 30 s, would let them overrun). */
  readonly checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 20_000, requestMs: 300_000, checkIntervalMs: 1_000 };
/** node:http's default, stated: larger request heads get 431 Request Header Fields Too Large. */
export const MAX_HEADER_BYTES = 16 * 1024;

interface MountedSurface {
  readonly surface: Surface;
  readonly router: FindMyWay.Instance<HTTPVersion.V1>;
}

function mount(surface: Surface): MountedSurface {
  const router = FindMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 2048 });
  for (const route of surface.routes) {
    // find-my-way stores the route object as the store; the handler is never called directly.
    router.on(route.method, route.path, () => undefined, route);
  }
  return { surface, router };
}

function renderInternal(requestId: string): ApiResponse {
  return { status: 500, headers: { 'x-amzn-errortype': 'ServiceException' }, body: { Type: 'Service', Message: `An internal error occurred (request ${requestId}); see the platform log.` } };
}

function send(res: ServerResponse, response: ApiResponse, requestId: string): void {
  // A flat [name, value, …] list: no header object is built (or reshaped) per response.
  const headers: string[] = ['x-amzn-requestid', requestId];
  let hasContentType = false;
  let declaredLength: string | undefined;
  if (response.headers !== undefined) {
    for (const name in response.headers) {
      const value = response.headers[name] as string;
      if (name === 'x-amzn-requestid') headers[1] = value;
      else if (name === 'content-length') declaredLength = value; // a buffered body's own length wins below
      else headers.push(name, value);
      if (name === 'content-type') hasContentType = true;
    }
  }
  if (response.stream) {
    if (declaredLength !== undefined) headers.push('content-length', declaredLength);
    res.writeHead(response.status, headers); // the body follows from response.stream (see handle)
    return;
  }
  let payload: Buffer | string | undefined;
  if (response.body === undefined) payload = undefined;
  else if (Buffer.isBuffer(response.body) || typeof response.body === 'string') payload = response.body;
  else {
    payload = JSON.stringify(response.body);
    if (!hasContentType) headers.push('content-type', 'application/json');
  }
  headers.push('content-length', String(payload === undefined ? 0 : Buffer.byteLength(payload)));
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function createApiServer(options: ApiServerOptions): http.Server {
  const mounted = options.surfaces.map(mount);
  const byService = new Map<string, MountedSurface>();
  for (const m of mounted) for (const service of m.surface.services) byService.set(service, m);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const rawPath = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const raw = options.rawHandlers?.find((h) => h.claims(req, rawPath));
    if (raw) {
      if (!server.listening) res.shouldKeepAlive = false; // draining, as reply() below
      try {
        await raw.handle(req, res, requestId);
      } catch (err) {
        options.onInternalError(err, requestId);
        if (!res.headersSent) send(res, renderInternal(requestId), requestId);
        else res.destroy();
      }
      return;
    }
    const reply = (response: ApiResponse): void => {
      // Draining (close() was called): close the connection after this response, or a
      // keep-alive client would hold close() open for the keep-alive timeout.
      if (!server.listening) res.shouldKeepAlive = false;
      send(res, response, requestId);
    };
    const url = parseRequestTarget(rawUrl);
    const credential = readCredentialScope(req.headers, url.searchParams);
    const target = credential ? byService.get(credential.service) : mounted.find((m) => m.surface.matchesUnsigned(url.pathname));
    if (!target) {
      const what = credential ? `service '${credential.service}'` : `path ${url.pathname}`;
      reply({ status: 404, headers: { 'x-amzn-errortype': 'UnknownOperationException' }, body: { Type: 'User', message: `No Nimbus API serves ${what}` } });
      return;
    }
    const { surface, router } = target;
    try {
      const found = router.find(req.method as FindMyWay.HTTPMethod, url.pathname);
      if (!found) throw new NimbusError('UnknownOperationException', `No ${surface.name} operation is served at ${req.method} ${url.pathname}`);
      const route = found.store as Route;
      const body = await readBody(req, route.maxBodyBytes, route.errorLabel ?? 'this');
      let scope: Scope = {
        account: accountOf(credential, options.defaultScope.account),
        region: credential?.region ?? options.defaultScope.region,
      };
      let request: ApiRequest = {
        method: req.method ?? 'GET', path: url.pathname, params: found.params, query: url.searchParams,
        headers: req.headers, body, scope, requestId,
      };
      if (options.authenticator !== undefined && surface.auth !== undefined) {
        const caller = await options.authenticator.authenticate(req, url, surface.auth.surface, body);
        if (isRefusal(caller)) {
          reply(surface.auth.renderRefusal(caller, request));
          return;
        }
        scope = { account: caller.account, region: caller.region ?? options.defaultScope.region };
        request = { ...request, scope };
      }
      const response = await route.handle(request);
      reply(response);
      if (response.stream) await response.stream(res);
    } catch (err) {
      if (!(err instanceof NimbusError) || err.spec.kind === 'Service') options.onInternalError(err, requestId);
      // After an oversized body we stopped reading: close the connection rather than drain it.
      if (err instanceof BodyTooLarge && err.unread) res.shouldKeepAlive = false;
      reply(surface.renderError(err, requestId));
    }
  }

  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const serverOptions: http.ServerOptions = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server = http.createServer(serverOptions, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.onInternalError(err, 'none');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** A second way into an API server (see listenOnUnixSocket). */
export interface SocketListener {
  /**
   * Stops accepting and closes the connections still open; idempotent. Call it once no
   * sandbox is left: their keep-alive connections would otherwise hold it open.
   */
  close(): Promise<void>;
}

/**
 * Serves the same API on a Unix socket too: how sandboxes without a network reach the
 * platform. Each accepted connection is handed to the HTTP server as if it had accepted it
 * itself (its 'connection' event takes any duplex, per the node:http docs), so routing,
 * keep-alive and limits are the TCP port's. The socket is connectable by every uid (0666),
 * since the guest runs as an unprivileged one; like the loopback port, it is for this machine.
 */
export async function listenOnUnixSocket(server: http.Server, socketPath: string): Promise<SocketListener> {
  await rm(socketPath, { force: true }); // one server per data dir: anything there is stale
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    server.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(socketPath, () => {
      listener.off('error', reject);
      // Past listen, only accept() fails (EMFILE under a connection storm): that one client
      // is refused; the platform must not die of it.
      listener.on('error', () => undefined);
      resolve();
    });
  });
  await chmod(socketPath, 0o666);
  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

/** The URL a process on this machine reaches a listening server at (an unspecified address becomes loopback). */
export function localUrl(server: http.Server): string {
  const { address, family, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return family === 'IPv6' ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
