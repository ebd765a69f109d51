// Create/Get/Update/Delete/ListAliases (lambda-reference §1.4, §1.6).
import type { AliasService } from '../../control/functions/alias-service.js';
import type { Route } from '../http/types.js';
import { requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { optionalMaxItems } from './list-params.js';
import { renderAlias } from './render.js';
import { createAliasBody, parseBody, updateAliasBody } from './wire.js';

const PATH = '/2015-03-31/functions/:FunctionName/aliases';
const MAX_BODY = 64 * 1024;

export function aliasRoutes(aliases: AliasService): Route[] {
  return [
    {
      method: 'POST', path: PATH, maxBodyBytes: MAX_BODY,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const body = parseBody(createAliasBody, req.body);
        const alias = await aliases.create(key, body.Name, {
          functionVersion: body.FunctionVersion, description: body.Description, additionalVersionWeights: body.RoutingConfig?.AdditionalVersionWeights,
        });
        return { status: 201, body: renderAlias(alias) };
      },
    },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const page = await aliases.list(key, req.query.get('FunctionVersion') ?? undefined, req.query.get('Marker') ?? undefined, optionalMaxItems(req));
        const body: Record<string, unknown> = { Aliases: page.items.map(renderAlias) };
        if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
        return { status: 200, body };
      },
    },
    {
      method: 'GET', path: `${PATH}/:Name`, maxBodyBytes: 0,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        return { status: 200, body: renderAlias(await aliases.get(key, req.params.Name ?? '')) };
      },
    },
    {
      method: 'PUT', path: `${PATH}/:Name`, maxBodyBytes: MAX_BODY,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const body = parseBody(updateAliasBody, req.body);
        const alias = await aliases.update(key, req.params.Name ?? '', {
          functionVersion: body.FunctionVersion, description: body.Description, revisionId: body.RevisionId,
          // A RoutingConfig without weights removes the split; none keeps it.
          additionalVersionWeights: body.RoutingConfig === undefined ? undefined : (body.RoutingConfig.AdditionalVersionWeights ?? {}),
        });
        return { status: 200, body: renderAlias(alias) };
      },
    },
    {
      method: 'DELETE', path: `${PATH}/:Name`, maxBodyBytes: 0,
      async handle(req) {
        await aliases.delete(requireUnqualified(resolveFunctionRef(req)), req.params.Name ?? '');
        return { status: 204 };
      },
    },
  ];
}
