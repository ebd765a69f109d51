// Lambda layers (lambda-reference §1, docs/runtimes.md#layers): publish immutable, numbered
// versions of a zip; functions name up to 5 version ARNs, whose trees the sandbox stacks at
// /opt in order. Zips go through the same CodeCache as function code (validated, unpacked
// once, content-addressed).
import { invalidParameter, NimbusError } from '../../errors.js';
import type { LayerRepository, LayerVersionKey, LayerVersionRecord } from '../../store/layer-ports.js';
import type { LayerRef, Scope } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import type { CodeCache } from '../code/code-cache.js';
import { SUPPORTED_RUNTIMES } from '../functions/runtimes.js';
import { layerVersionArn, parseLayerVersionArn } from './layer-arn.js';
import { treeSize } from './tree-size.js';

export const MAX_LAYERS = 5;
/** Function code and all its layers, unzipped (lambda-reference §2, `262144000`). */
export const MAX_UNZIPPED_WITH_LAYERS = 262_144_000;
const ARCHITECTURES = ['x86_64', 'arm64'];

export interface PublishLayerInput {
  readonly zipFile: Buffer;
  readonly description?: string | undefined;
  readonly compatibleRuntimes?: readonly string[] | undefined;
  readonly compatibleArchitectures?: readonly string[] | undefined;
  readonly licenseInfo?: string | undefined;
}

export interface LayerFilter {
  readonly compatibleRuntime?: string | undefined;
  readonly compatibleArchitecture?: string | undefined;
}

export interface LayerServiceDeps {
  readonly layers: LayerRepository;
  readonly code: CodeCache;
  readonly clock: Clock;
}

function checkList(field: string, values: readonly string[] | undefined, allowed: readonly string[], max: number): readonly string[] {
  const list = values ?? [];
  if (list.length > max) throw invalidParameter(field, `at most ${max} values (got ${list.length})`);
  for (const v of list) if (!allowed.includes(v)) throw invalidParameter(field, `'${v}' is not one of ${allowed.join(', ')}`);
  return [...new Set(list)];
}

const notFound = (what: string): NimbusError => new NimbusError('ResourceNotFoundException', `${what} was not found.`);

export function matchesFilter(layer: LayerVersionRecord, filter: LayerFilter): boolean {
  const runtimeOk = filter.compatibleRuntime === undefined || layer.compatibleRuntimes.includes(filter.compatibleRuntime);
  const archOk = filter.compatibleArchitecture === undefined || layer.compatibleArchitectures.includes(filter.compatibleArchitecture);
  return runtimeOk && archOk;
}

export class LayerService {
  readonly #deps: LayerServiceDeps;

  constructor(deps: LayerServiceDeps) {
    this.#deps = deps;
  }

  async publish(layer: Scope & { readonly name: string }, input: PublishLayerInput): Promise<LayerVersionRecord> {
    const description = input.description ?? '';
    if (description.length > 256) throw invalidParameter('Description', `must be at most 256 characters (got ${description.length})`);
    if (input.licenseInfo !== undefined && input.licenseInfo.length > 512) throw invalidParameter('LicenseInfo', 'must be at most 512 characters');
    const compatibleRuntimes = checkList('CompatibleRuntimes', input.compatibleRuntimes, SUPPORTED_RUNTIMES, 15);
    const compatibleArchitectures = checkList('CompatibleArchitectures', input.compatibleArchitectures, ARCHITECTURES, 2);
    const code = await this.#deps.code.prepare(input.zipFile);
    const unzippedSize = await treeSize(await this.#deps.code.ensure(code));
    return this.#deps.layers.publish({
      ...layer, description, compatibleRuntimes, compatibleArchitectures, licenseInfo: input.licenseInfo, code, unzippedSize,
      createdDate: new Date(this.#deps.clock()).toISOString().replace('Z', '+0000'),
    });
  }

  async get(key: LayerVersionKey): Promise<LayerVersionRecord> {
    const found = await this.#deps.layers.get(key);
    if (!found) throw notFound(`Layer version ${layerVersionArn(key)}`);
    return found;
  }

  async getByArn(arn: string): Promise<LayerVersionRecord> {
    const key = parseLayerVersionArn(arn);
    if (!key) throw invalidParameter('Arn', `'${arn}' is not a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)`);
    return this.get(key);
  }

  async listLatest(scope: Scope, filter: LayerFilter): Promise<readonly LayerVersionRecord[]> {
    // The newest version that matches the filter, per layer.
    if (filter.compatibleRuntime === undefined && filter.compatibleArchitecture === undefined) return this.#deps.layers.listLatest(scope);
    const names = (await this.#deps.layers.listLatest(scope)).map((l) => l.name);
    const out: LayerVersionRecord[] = [];
    for (const name of names) {
      const match = (await this.#deps.layers.listVersions(scope, name)).find((v) => matchesFilter(v, filter));
      if (match) out.push(match);
    }
    return out;
  }

  async listVersions(layer: Scope & { readonly name: string }, filter: LayerFilter): Promise<readonly LayerVersionRecord[]> {
    return (await this.#deps.layers.listVersions(layer, layer.name)).filter((v) => matchesFilter(v, filter));
  }

  /** Idempotent, as on Lambda: deleting a version that is gone succeeds. Functions keep theirs. */
  delete(key: LayerVersionKey): Promise<void> {
    return this.#deps.layers.delete(key);
  }

  /**
   * A function's Layers as given: at most 5 version ARNs of existing layers, each layer once,
   * order kept; with the function's code, at most 250 MB unzipped.
   */
  async resolveForFunction(arns: readonly string[], functionCodeDir: string): Promise<readonly LayerRef[]> {
    if (arns.length > MAX_LAYERS) throw invalidParameter('Layers', `a function can use at most ${MAX_LAYERS} layers (got ${arns.length})`);
    const refs: LayerRef[] = [];
    const seen = new Set<string>();
    let total = await treeSize(functionCodeDir);
    for (const arn of arns) {
      const key = parseLayerVersionArn(arn);
      if (!key) throw invalidParameter('Layers', `'${arn}' is not a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)`);
      const layer = await this.#deps.layers.get(key);
      if (!layer) throw new NimbusError('InvalidParameterValueException', `Layer version ${arn} does not exist.`);
      const layerId = `${key.account}:${key.region}:${key.name}`;
      if (seen.has(layerId)) throw new NimbusError('InvalidParameterValueException', 'Two different versions of the same layer are not allowed to be referenced in the same function.');
      seen.add(layerId);
      total += layer.unzippedSize;
      refs.push({ arn: layerVersionArn(layer), codeSize: layer.code.size, code: layer.code });
    }
    if (total > MAX_UNZIPPED_WITH_LAYERS) {
      throw new NimbusError('InvalidParameterValueException', `Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_WITH_LAYERS} bytes. The actual size is ${total} bytes.`);
    }
    return refs;
  }
}
