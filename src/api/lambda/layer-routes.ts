// Lambda layers (2018-10-31 paths): PublishLayerVersion, GetLayerVersion(ByArn),
// ListLayers, ListLayerVersions, DeleteLayerVersion, in Lambda's wire shapes.
import { z } from 'zod';
import { layerArn, layerVersionArn, parseLayerName, parseVersionNumber } from '../../control/layers/layer-arn.js';
import type { LayerFilter, LayerService } from '../../control/layers/layer-service.js';
import { invalidParameter } from '../../errors.js';
import type { LayerVersionRecord } from '../../store/layer-ports.js';
import type { ApiRequest, Route } from '../http/types.js';
import { CREATE_FUNCTION_MAX_BODY } from './function-routes.js';
import { optionalMaxItems } from './list-params.js';
import { decodeBase64, parseBody } from './wire.js';

const BASE = '/2018-10-31/layers';
const LIST_LIMIT = 50;

const publishBody = z.object({
  Content: z.object({ ZipFile: z.string().optional(), S3Bucket: z.string().optional(), S3Key: z.string().optional(), S3ObjectVersion: z.string().optional() }),
  Description: z.string().optional(),
  CompatibleRuntimes: z.array(z.string()).optional(),
  CompatibleArchitectures: z.array(z.string()).optional(),
  LicenseInfo: z.string().optional(),
});

function codeLocation(req: ApiRequest, blobKey: string): string {
  return `http://${req.headers.host ?? '127.0.0.1'}/nimbus/v1/code/${blobKey}.zip`;
}

/** The fields every layer version shape shares (GetLayerVersion, list items, LatestMatchingVersion). */
function renderVersion(v: LayerVersionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    LayerVersionArn: layerVersionArn(v), Version: v.version, Description: v.description, CreatedDate: v.createdDate,
    CompatibleRuntimes: v.compatibleRuntimes, CompatibleArchitectures: v.compatibleArchitectures,
  };
  if (v.licenseInfo !== undefined) out.LicenseInfo = v.licenseInfo;
  return out;
}

function renderFull(req: ApiRequest, v: LayerVersionRecord): Record<string, unknown> {
  return {
    Content: { Location: codeLocation(req, v.code.blobKey), CodeSha256: v.code.sha256, CodeSize: v.code.size },
    LayerArn: layerArn(v, v.name), ...renderVersion(v),
  };
}

function filterOf(req: ApiRequest): LayerFilter {
  return { compatibleRuntime: req.query.get('CompatibleRuntime') ?? undefined, compatibleArchitecture: req.query.get('CompatibleArchitecture') ?? undefined };
}

/** Marker = the offset of the next page (lists are small and ordered). */
function page<T>(req: ApiRequest, items: readonly T[]): { items: readonly T[]; nextMarker: string | undefined } {
  const max = Math.min(Math.max(optionalMaxItems(req) ?? LIST_LIMIT, 1), LIST_LIMIT);
  const marker = req.query.get('Marker');
  const start = marker === null ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Marker', `'${marker ?? ''}' is not a marker this API returned`);
  const end = start + max;
  return { items: items.slice(start, end), nextMarker: end < items.length ? String(end) : undefined };
}

export function layerRoutes(layers: LayerService): Route[] {
  const nameOf = (req: ApiRequest) => parseLayerName(req.params['LayerName'] ?? '', req.scope);
  const keyOf = (req: ApiRequest) => ({ ...nameOf(req), version: parseVersionNumber(req.params['VersionNumber'] ?? '') });
  return [
    {
      method: 'POST', path: `${BASE}/:LayerName/versions`, maxBodyBytes: CREATE_FUNCTION_MAX_BODY, errorLabel: 'PublishLayerVersion',
      async handle(req) {
        const body = parseBody(publishBody, req.body);
        if (body.Content.S3Bucket !== undefined) throw invalidParameter('Content.S3Bucket', 'publishing from S3 is not supported yet; send the zip as ZipFile');
        if (body.Content.ZipFile === undefined) throw invalidParameter('Content.ZipFile', 'is required');
        const published = await layers.publish(nameOf(req), {
          zipFile: decodeBase64('Content.ZipFile', body.Content.ZipFile), description: body.Description,
          compatibleRuntimes: body.CompatibleRuntimes, compatibleArchitectures: body.CompatibleArchitectures, licenseInfo: body.LicenseInfo,
        });
        return { status: 201, body: renderFull(req, published) };
      },
    },
    {
      method: 'GET', path: `${BASE}/:LayerName/versions/:VersionNumber`, maxBodyBytes: 0,
      handle: async (req) => ({ status: 200, body: renderFull(req, await layers.get(keyOf(req))) }),
    },
    {
      method: 'DELETE', path: `${BASE}/:LayerName/versions/:VersionNumber`, maxBodyBytes: 0,
      async handle(req) {
        await layers.delete(keyOf(req));
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: `${BASE}/:LayerName/versions`, maxBodyBytes: 0,
      async handle(req) {
        const { items, nextMarker } = page(req, await layers.listVersions(nameOf(req), filterOf(req)));
        return { status: 200, body: { LayerVersions: items.map(renderVersion), ...(nextMarker !== undefined ? { NextMarker: nextMarker } : {}) } };
      },
    },
    {
      // ListLayers, and GetLayerVersionByArn (`?find=LayerVersion&Arn=`) on the same path.
      method: 'GET', path: BASE, maxBodyBytes: 0,
      async handle(req) {
        if (req.query.get('find') === 'LayerVersion') {
          const arn = req.query.get('Arn');
          if (arn === null) throw invalidParameter('Arn', 'is required');
          return { status: 200, body: renderFull(req, await layers.getByArn(arn)) };
        }
        const { items, nextMarker } = page(req, await layers.listLatest(req.scope, filterOf(req)));
        const rendered = items.map((v) => ({ LayerName: v.name, LayerArn: layerArn(v, v.name), LatestMatchingVersion: renderVersion(v) }));
        return { status: 200, body: { Layers: rendered, ...(nextMarker !== undefined ? { NextMarker: nextMarker } : {}) } };
      },
    },
  ];
}
