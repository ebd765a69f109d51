// PublishVersion and ListVersionsByFunction (lambda-reference §1.4, §1.6).
import type { VersionService } from '../../control/functions/version-service.js';
import type { Route } from '../http/types.js';
import { requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { optionalMaxItems } from './list-params.js';
import { renderConfiguration } from './render.js';
import { parseBody, publishVersionBody } from './wire.js';

const PATH = '/2015-03-31/functions/:FunctionName/versions';

export function versionRoutes(versions: VersionService): Route[] {
  return [
    {
      method: 'POST', path: PATH, maxBodyBytes: 64 * 1024,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const body = parseBody(publishVersionBody, req.body);
        const version = await versions.publish(key, { codeSha256: body.CodeSha256, revisionId: body.RevisionId, description: body.Description });
        return { status: 201, body: renderConfiguration(version, { arnQualifier: version.version }) };
      },
    },
    {
      method: 'GET', path: PATH, maxBodyBytes: 0,
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const page = await versions.list(key, req.query.get('Marker') ?? undefined, optionalMaxItems(req));
        // Items leave out State and LastUpdateStatus, as ListFunctions items do (recorded).
        const body: Record<string, unknown> = { Versions: page.items.map((v) => renderConfiguration(v, { forList: true, arnQualifier: v.version })) };
        if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
        return { status: 200, body };
      },
    },
  ];
}
