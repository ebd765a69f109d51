// The HTTP layer's own small vocabulary: a parsed request, a response, a route.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AuthSurface, Caller, Refusal } from '../../auth/authenticator.js';
import type { Scope } from '../../store/records.js';
import type { RequestTarget } from './request-target.js';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** Path labels, percent-decoded. */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Account and region of the caller (SigV4 credential scope, or the configured defaults). */
  readonly scope: Scope;
  readonly requestId: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialised when not a Buffer or string. */
  readonly body?: unknown;
  /**
   * A streamed body instead of `body` (InvokeWithResponseStream): called once the head is
   * written (chunked, no content-length); writes and ends `res` itself and never rejects.
   */
  readonly stream?: (res: ServerResponse) => Promise<void>;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  readonly path: string;
  /** Largest body this operation accepts; larger requests get 413 before any work. */
  readonly maxBodyBytes: number;
  readonly errorLabel?: string;
  handle(req: ApiRequest): Promise<ApiResponse>;
}

/** One API surface (Lambda, S3, SQS, admin…) served on the shared port. */
export interface Surface {
  readonly name: string;
  /** SigV4 service names this surface answers (`lambda`). */
  readonly services: readonly string[];
  /** Whether an unsigned request with this path belongs here. */
  matchesUnsigned(path: string): boolean;
  readonly routes: readonly Route[];
  /** Renders an error in this surface's own shape. */
  renderError(err: unknown, requestId: string): ApiResponse;
  /** Which authentication the surface's requests pass (every surface of the API has one). */
  readonly auth?: SurfaceAuth;
}

export interface SurfaceAuth {
  readonly surface: AuthSurface;
  /** A refused request's answer, in this API's own error code, shape and status. */
  renderRefusal(refusal: Refusal, req: ApiRequest): ApiResponse;
}

/** Checks a request before its surface sees it (src/auth/authenticator.ts). */
export interface RequestAuthenticator {
  authenticate(req: IncomingMessage, url: RequestTarget, surface: AuthSurface, body?: Buffer): Promise<Caller | Refusal>;
}

/**
 * A handler that takes a request before any surface sees it, for front ends that need
 * the request as sent (exact path, repeated headers, body bytes, client address) and
 * write their own response (repeated Set-Cookie, HEAD, binary bodies): function URLs,
 * HTTP API routes, the S3 API. Claimed by host or path prefix; the S3 API, asked first,
 * also by the SigV4 service `s3`, which no other raw handler's requests are signed for.
 */
export interface RawHttpHandler {
  readonly name: string;
  /** Whether this handler takes the request; `path` is the request path as sent (still percent-encoded, no query). */
  claims(req: IncomingMessage, path: string): boolean;
  /** Reads the body and writes the whole response. A throw is a platform error (500). */
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
}
