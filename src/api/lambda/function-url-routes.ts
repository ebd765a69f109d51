// Create/Get/Update/Delete/ListFunctionUrlConfigs (lambda-reference §1.4, §1.6).
import { z } from 'zod';
import type { FunctionUrlService } from '../../control/functions/function-url-service.js';
import { invalidParameter } from '../../errors.js';
import type { FunctionUrlConfigRecord, FunctionUrlCors } from '../../store/records.js';
import { functionArn } from '../../util/arn.js';
import type { ApiRequest, Route } from '../http/types.js';
import { functionUrl } from '../urls/url-host.js';
import { requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { parseBody } from './wire.js';

const strings = z.array(z.string());
const corsBody = z.object({
  AllowCredentials: z.boolean().optional(),
  AllowHeaders: strings.optional(),
  AllowMethods: strings.optional(),
  AllowOrigins: strings.optional(),
  ExposeHeaders: strings.optional(),
  MaxAge: z.number().optional(),
});
const createBody = z.object({ AuthType: z.string(), Cors: corsBody.optional(), InvokeMode: z.string().optional() });
const updateBody = z.object({ AuthType: z.string().optional(), Cors: corsBody.optional(), InvokeMode: z.string().optional() });

function corsFromWire(c: z.output<typeof corsBody> | undefined): FunctionUrlCors | undefined {
  if (c === undefined) return undefined;
  return {
    allowCredentials: c.AllowCredentials, allowHeaders: c.AllowHeaders, allowMethods: c.AllowMethods,
    allowOrigins: c.AllowOrigins, exposeHeaders: c.ExposeHeaders, maxAge: c.MaxAge,
  };
}

function renderCors(c: FunctionUrlCors): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.allowCredentials !== undefined) out.AllowCredentials = c.allowCredentials;
  if (c.allowHeaders !== undefined) out.AllowHeaders = c.allowHeaders;
  if (c.allowMethods !== undefined) out.AllowMethods = c.allowMethods;
  if (c.allowOrigins !== undefined) out.AllowOrigins = c.allowOrigins;
  if (c.exposeHeaders !== undefined) out.ExposeHeaders = c.exposeHeaders;
  if (c.maxAge !== undefined) out.MaxAge = c.maxAge;
  return out;
}

/** Members in the model's order; Create has no LastModifiedTime. Times are ISO-8601 strings. */
export function renderFunctionUrlConfig(c: FunctionUrlConfigRecord, port: number, withLastModified: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionUrl: functionUrl(c.urlId, c.region, port),
    FunctionArn: functionArn(c.region, c.account, c.name, c.qualifier === '$LATEST' ? undefined : c.qualifier),
    AuthType: c.authType,
  };
  if (c.cors !== undefined) out.Cors = renderCors(c.cors);
  out.CreationTime = new Date(c.createdAt).toISOString();
  if (withLastModified) out.LastModifiedTime = new Date(c.lastModified).toISOString();
  out.InvokeMode = c.invokeMode;
  return out;
}

const PATH = '/2021-10-31/functions/:FunctionName/url';
const MAX_BODY = 256 * 1024;
const LIST_MAX_ITEMS = 50;

/** `port` is the platform's listening port, which FunctionUrl names (known once it listens). */
export function functionUrlRoutes(urls: FunctionUrlService, port: () => number): Route[] {
  const render = (c: FunctionUrlConfigRecord, withLastModified = true) => renderFunctionUrlConfig(c, port(), withLastModified);
  return [
    {
      method: 'POST', path: PATH, maxBodyBytes: MAX_BODY,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const body = parseBody(createBody, req.body);
        const config = await urls.create(ref.key, ref.qualifier, { authType: body.AuthType, cors: corsFromWire(body.Cors), invokeMode: body.InvokeMode });
        return { status: 201, body: render(config, false) };
      },
    },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        return { status: 200, body: render(await urls.get(ref.key, ref.qualifier)) };
      },
    },
    {
      method: 'PUT', path: PATH, maxBodyBytes: MAX_BODY,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const body = parseBody(updateBody, req.body);
        const config = await urls.update(ref.key, ref.qualifier, { authType: body.AuthType, cors: corsFromWire(body.Cors), invokeMode: body.InvokeMode });
        return { status: 200, body: render(config) };
      },
    },
    {
      method: 'DELETE', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        await urls.delete(ref.key, ref.qualifier);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/2021-10-31/functions/:FunctionName/urls', maxBodyBytes: 0,
      async handle(req: ApiRequest) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const maxItems = listLimit(req.query.get('MaxItems'));
        const all = await urls.list(key);
        // The marker is the last qualifier of the previous page (configs come in qualifier order).
        const marker = req.query.get('Marker');
        const rest = marker === null ? all : all.filter((c) => c.qualifier > marker);
        const page = rest.slice(0, maxItems);
        const body: Record<string, unknown> = { FunctionUrlConfigs: page.map((c) => render(c)) };
        if (rest.length > page.length) body.NextMarker = page[page.length - 1]?.qualifier;
        return { status: 200, body };
      },
    },
  ];
}

function listLimit(raw: string | null): number {
  if (raw === null) return LIST_MAX_ITEMS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > LIST_MAX_ITEMS) throw invalidParameter('MaxItems', `must be an integer from 1 to ${LIST_MAX_ITEMS}`);
  return n;
}
