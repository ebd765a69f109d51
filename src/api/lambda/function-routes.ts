// Lambda control-plane operations on functions (lambda-reference §1.4, §1.6).
import type { FunctionService } from '../../control/functions/function-service.js';
import { validationError } from '../../control/functions/qualifiers.js';
import type { SettingsInput } from '../../control/functions/settings.js';
import type { VersionService } from '../../control/functions/version-service.js';
import { invalidParameter } from '../../errors.js';
import { parseFunctionRef } from '../../util/arn.js';
import type { ApiRequest, Route } from '../http/types.js';
import { ownAccount, requireUnqualified, resolveFunctionRef } from './function-ref.js';
import { renderConfiguration, renderGetFunction } from './render.js';
import { createFunctionBody, decodeBase64, parseBody, updateCodeBody, updateConfigurationBody } from './wire.js';

/** CreateFunction bodies may be up to this size (recorded AWS limit). */
export const CREATE_FUNCTION_MAX_BODY = 70_167_211;
const CONTROL_MAX_BODY = 6 * 1024 * 1024;

type SettingsWire = Omit<ReturnType<typeof updateConfigurationBody.parse>, 'RevisionId'>;

function settingsFromWire(body: SettingsWire): SettingsInput {
  if (body.SnapStart?.ApplyOn !== undefined && body.SnapStart.ApplyOn !== 'None') throw invalidParameter('SnapStart.ApplyOn', 'SnapStart is not available for Node.js functions');
  if ((body.VpcConfig?.SubnetIds?.length ?? 0) > 0) throw invalidParameter('VpcConfig', 'VPC networking does not exist on this platform; leave VpcConfig empty');
  return {
    runtime: body.Runtime, handler: body.Handler, role: body.Role, description: body.Description,
    timeout: body.Timeout, memorySize: body.MemorySize, ephemeralStorageMb: body.EphemeralStorage?.Size,
    environment: body.Environment === undefined ? undefined : (body.Environment.Variables ?? {}),
    architectures: body.Architectures, tracingMode: body.TracingConfig?.Mode,
    logFormat: body.LoggingConfig?.LogFormat, logGroup: body.LoggingConfig?.LogGroup,
    deadLetterTargetArn: body.DeadLetterConfig?.TargetArn || undefined,
    layers: body.Layers,
  };
}

function zipFromCode(code: { ZipFile?: string | undefined; S3Bucket?: string | undefined; ImageUri?: string | undefined }, prefix: string): Buffer {
  if (code.ImageUri !== undefined) throw invalidParameter(`${prefix}ImageUri`, 'container images are not supported; deploy a Zip package');
  if (code.S3Bucket !== undefined) throw invalidParameter(`${prefix}S3Bucket`, 'deploying from S3 is not supported yet; send the zip as ZipFile');
  if (code.ZipFile === undefined) throw invalidParameter(`${prefix}ZipFile`, 'is required');
  return decodeBase64(`${prefix}ZipFile`, code.ZipFile);
}

function codeLocation(req: ApiRequest, blobKey: string): string {
  return `http://${req.headers.host ?? '127.0.0.1'}/nimbus/v1/code/${blobKey}.zip`;
}

export function functionRoutes(functions: FunctionService, versions: VersionService): Route[] {
  return [
    {
      method: 'POST', path: '/2015-03-31/functions', maxBodyBytes: CREATE_FUNCTION_MAX_BODY, errorLabel: 'CreateFunction',
      async handle(req) {
        const body = parseBody(createFunctionBody, req.body);
        const ref = parseFunctionRef(body.FunctionName, 'FunctionName');
        if (ref.qualifier !== undefined) throw invalidParameter('FunctionName', 'must not include a version or alias');
        if (body.PackageType !== undefined && body.PackageType !== 'Zip') throw invalidParameter('PackageType', 'only Zip is supported');
        const fn = await functions.create(
          { account: ownAccount(ref.account, req), region: req.scope.region, name: ref.name },
          { ...settingsFromWire(body), zipFile: zipFromCode(body.Code, 'Code.'), tags: body.Tags },
        );
        // Publish=true: the function as created, with the number of the version it became (recorded: unqualified ARN).
        const published = body.Publish === true ? await versions.snapshot(fn.latest) : undefined;
        return { status: 201, body: renderConfiguration(published ? { ...fn.latest, version: published.version } : fn.latest) };
      },
    },
    {
      method: 'GET', path: '/2015-03-31/functions', maxBodyBytes: 0,
      async handle(req) {
        const maxItems = req.query.get('MaxItems');
        const parsed = maxItems === null ? undefined : Number(maxItems);
        if (parsed !== undefined && (!Number.isInteger(parsed) || parsed < 1 || parsed > 10000)) throw invalidParameter('MaxItems', 'must be an integer from 1 to 10000');
        const functionVersion = req.query.get('FunctionVersion');
        if (functionVersion !== null && functionVersion !== 'ALL') {
          throw validationError(functionVersion, 'functionVersion', 'Member must satisfy enum value set: [ALL]');
        }
        const marker = req.query.get('Marker') ?? undefined;
        // FunctionVersion=ALL lists every version, each with its qualified ARN (recorded).
        const page = functionVersion === 'ALL'
          ? await versions.listAll(req.scope, marker, parsed)
          : await functions.list(req.scope, marker, parsed).then((p) => ({ items: p.items.map((fn) => fn.latest), nextMarker: p.nextMarker }));
        const body: Record<string, unknown> = {
          Functions: page.items.map((v) => renderConfiguration(v, { forList: true, arnQualifier: functionVersion === 'ALL' ? v.version : undefined })),
        };
        if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
        return { status: 200, body };
      },
    },
    {
      method: 'GET', path: '/2015-03-31/functions/:FunctionName', maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const { fn, version } = await functions.getQualified(ref.key, ref.qualifier);
        return { status: 200, body: renderGetFunction(fn, version, codeLocation(req, version.code.blobKey), ref.qualifier) };
      },
    },
    {
      method: 'GET', path: '/2015-03-31/functions/:FunctionName/configuration', maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        const { version } = await functions.getQualified(ref.key, ref.qualifier);
        return { status: 200, body: renderConfiguration(version, { arnQualifier: ref.qualifier }) };
      },
    },
    {
      method: 'PUT', path: '/2015-03-31/functions/:FunctionName/code', maxBodyBytes: CREATE_FUNCTION_MAX_BODY, errorLabel: 'UpdateFunctionCode',
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const body = parseBody(updateCodeBody, req.body);
        const version = await functions.updateCode(key, {
          zipFile: zipFromCode(body, ''), revisionId: body.RevisionId, dryRun: body.DryRun, architectures: body.Architectures,
        });
        if (body.Publish !== true || body.DryRun === true) return { status: 200, body: renderConfiguration(version) };
        // Publish=true answers with the new version, its ARN qualified.
        const published = await versions.snapshot(version);
        return { status: 200, body: renderConfiguration(published, { arnQualifier: published.version }) };
      },
    },
    {
      method: 'PUT', path: '/2015-03-31/functions/:FunctionName/configuration', maxBodyBytes: CONTROL_MAX_BODY, errorLabel: 'UpdateFunctionConfiguration',
      async handle(req) {
        const key = requireUnqualified(resolveFunctionRef(req));
        const body = parseBody(updateConfigurationBody, req.body);
        const version = await functions.updateConfiguration(key, { ...settingsFromWire(body), revisionId: body.RevisionId });
        return { status: 200, body: renderConfiguration(version) };
      },
    },
    {
      method: 'DELETE', path: '/2015-03-31/functions/:FunctionName', maxBodyBytes: 0,
      async handle(req) {
        const ref = resolveFunctionRef(req);
        await functions.delete(ref.key, ref.qualifier);
        return { status: 204 };
      },
    },
  ];
}
