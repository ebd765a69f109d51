// The Lambda Runtime API (lambda-reference §3) as a custom runtime inside the sandbox sees
// it: an HTTP server on the sandbox's loopback that hands out one invocation per
// `GET …/invocation/next` and takes its outcome back on `…/response` or `…/error`. It is an
// adapter: what it learns goes to `RuntimeApiSink` (the host protocol); the invocations it
// hands out come from `deliver()`. Paths, headers, status codes and error bodies are the
// reference's, so existing runtime clients (aws-lambda-ric, lambda_runtime crates, curl
// loops) work unchanged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RESPONSE_BYTES } from '../../protocol/messages.js';
import type { ErrorPayload, StartedInvoke } from '../../protocol/messages.js';
import { parseRuntimeError } from './error-body.js';
import { relayStream } from './stream-body.js';
import type { StreamSink } from './stream-body.js';

const PREFIX = '/2018-06-01/runtime';
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
/** Runtime API's port on Lambda; a sandbox sharing the host network falls back to any free port. */
export const RUNTIME_API_PORT = 9001;
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

export interface RuntimeApiSink extends StreamSink {
  /** The runtime asked for its first invocation: initialisation is over. */
  initDone(): void;
  initError(error: ErrorPayload): void;
  result(requestId: string, body: Buffer): void;
  error(requestId: string, error: ErrorPayload): void;
}

export interface Invocation {
  readonly message: StartedInvoke;
  readonly event: Buffer;
}

type Phase = 'init' | 'running';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const accepted = (res: http.ServerResponse): void => send(res, 202, { status: 'OK' });
const invalidRequestId = (res: http.ServerResponse): void => send(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
const invalidState = (res: http.ServerResponse, message: string): void => send(res, 403, { errorType: 'InvalidStateTransition', errorMessage: message });

/** Reads a body up to `limit` bytes; undefined when it was longer (the rest is discarded). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Headers of a `next` response; empty values are omitted (RIE `setHeaderIfNotEmpty`). */
export function invocationHeaders(message: StartedInvoke): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Aws-Request-Id': message.requestId,
    'Lambda-Runtime-Deadline-Ms': String(message.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': message.invokedFunctionArn,
  };
  if (message.traceId) headers['Lambda-Runtime-Trace-Id'] = message.traceId;
  if (message.clientContext) headers['Lambda-Runtime-Client-Context'] = message.clientContext;
  if (message.identity) headers['Lambda-Runtime-Cognito-Identity'] = message.identity;
  return headers;
}

export class RuntimeApiServer {
  readonly #sink: RuntimeApiSink;
  readonly #server: http.Server;
  #phase: Phase = 'init';
  /** An invocation the runtime has not asked for yet. */
  #pending: Invocation | undefined;
  /** A held `next` request waiting for an invocation (long poll, no timeout). */
  #waiting: http.ServerResponse | undefined;
  /** The request id handed out and not yet answered. */
  #current: string | undefined;

  constructor(sink: RuntimeApiSink) {
    this.#sink = sink;
    this.#server = http.createServer((req, res) => {
      this.#route(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { errorType: 'ServiceException', errorMessage: 'Internal error' });
        else res.destroy();
      });
    });
    // The long poll has no timeout; Node's default request timeouts would cut it.
    this.#server.requestTimeout = 0;
    this.#server.headersTimeout = 0;
    this.#server.keepAliveTimeout = 0;
  }

  /** Listens on 127.0.0.1:9001, or a free port when that is taken; resolves to `host:port`. */
  async listen(port = RUNTIME_API_PORT): Promise<string> {
    const tryListen = (p: number): Promise<void> =>
      new Promise((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(p, '127.0.0.1', () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
    try {
      await tryListen(port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw e;
      await tryListen(0);
    }
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.#server.close();
    this.#server.closeAllConnections();
  }

  /** Hands an invocation to the runtime: at once to a waiting `next`, else to the next one. */
  deliver(invocation: Invocation): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting && !waiting.destroyed) this.#handOut(waiting, invocation);
    else this.#pending = invocation;
  }

  #handOut(res: http.ServerResponse, { message, event }: Invocation): void {
    this.#current = message.requestId;
    res.writeHead(200, { ...invocationHeaders(message), 'Content-Length': event.length });
    res.end(event);
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) return this.#next(res);
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) return this.#initError(req, res);
    const match = req.method === 'POST' ? INVOCATION_PATH.exec(url) : null;
    if (match) return this.#outcome(req, res, decodeURIComponent(match[1] ?? ''), match[2] === 'error');
    if (req.method === 'GET' && url === '/2018-06-01/ping') return void res.writeHead(200).end('pong');
    req.resume();
    send(res, 404, { errorType: 'NotFound', errorMessage: `No such endpoint: ${req.method ?? ''} ${url}` });
  }

  #next(res: http.ServerResponse): void {
    if (this.#current !== undefined) return invalidState(res, 'Invocation in progress: post its response or error first');
    if (this.#waiting && !this.#waiting.destroyed) return invalidState(res, 'Another next request is already waiting');
    if (this.#phase === 'init') {
      this.#phase = 'running';
      this.#sink.initDone();
    }
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) return this.#handOut(res, pending);
    this.#waiting = res;
    res.on('close', () => {
      if (this.#waiting === res) this.#waiting = undefined;
    });
  }

  async #initError(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_ERROR_BODY_BYTES);
    if (this.#phase !== 'init') return invalidState(res, 'Init error reported after initialisation');
    this.#phase = 'running';
    this.#sink.initError(parseRuntimeError(body, req.headers['lambda-runtime-function-error-type']));
    accepted(res);
  }

  async #outcome(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, isError: boolean): Promise<void> {
    if (this.#current === undefined || requestId !== this.#current) {
      req.resume();
      return invalidRequestId(res);
    }
    if (isError) {
      const body = await readBody(req, MAX_ERROR_BODY_BYTES);
      if (this.#take(requestId)) this.#sink.error(requestId, parseRuntimeError(body, req.headers['lambda-runtime-function-error-type']));
      return accepted(res);
    }
    const mode = req.headers['lambda-runtime-function-response-mode'];
    if (mode !== undefined) return this.#streamed(req, res, requestId, mode);
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    if (!this.#take(requestId)) return invalidRequestId(res);
    if (body === undefined) {
      this.#sink.error(requestId, {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        trace: [],
      });
      return send(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
    }
    this.#sink.result(requestId, body);
    accepted(res);
  }

  async #streamed(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, mode: string | string[]): Promise<void> {
    this.#take(requestId);
    if (mode !== 'streaming') {
      req.resume();
      this.#sink.error(requestId, { errorType: 'Runtime.InvalidResponseModeHeader', errorMessage: `Invalid Lambda-Runtime-Function-Response-Mode: ${String(mode)}`, trace: [] });
      return send(res, 400, { errorType: 'InvalidFunctionResponseMode', errorMessage: 'Invalid function response mode' });
    }
    await relayStream(req, requestId, this.#sink);
    accepted(res);
  }

  /** Ends the current invocation once; false when it was already answered. */
  #take(requestId: string): boolean {
    if (this.#current !== requestId) return false;
    this.#current = undefined;
    return true;
  }
}
