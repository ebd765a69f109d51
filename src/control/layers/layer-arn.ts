// Layer ARNs: arn:aws:lambda:<region>:<account>:layer:<name>[:<version>] (lambda-reference §1).
import { invalidParameter } from '../../errors.js';
import type { LayerVersionKey } from '../../store/layer-ports.js';
import type { Scope } from '../../store/records.js';

const NAME = /^[a-zA-Z0-9_-]{1,140}$/;
const VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9_-]{1,140}):([1-9]\d{0,15})$/;
const LAYER_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9_-]{1,140})$/;

export const layerArn = (scope: Scope, name: string): string => `arn:aws:lambda:${scope.region}:${scope.account}:layer:${name}`;
export const layerVersionArn = (key: LayerVersionKey): string => `${layerArn(key, key.name)}:${key.version}`;

/** A {LayerName} label: a name or a layer ARN (its account and region then win). */
export function parseLayerName(label: string, scope: Scope): Scope & { readonly name: string } {
  if (NAME.test(label)) return { ...scope, name: label };
  const m = LAYER_ARN.exec(label);
  if (!m) throw invalidParameter('LayerName', `'${label}' is neither a layer name ([a-zA-Z0-9-_]{1,140}) nor a layer ARN`);
  return { region: m[1] as string, account: m[2] as string, name: m[3] as string };
}

export function parseVersionNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw invalidParameter('VersionNumber', `must be a positive integer (got '${text}')`);
  return n;
}

/** A layer version ARN as given in a function's Layers or GetLayerVersionByArn; undefined if malformed. */
export function parseLayerVersionArn(arn: string): LayerVersionKey | undefined {
  const m = VERSION_ARN.exec(arn);
  return m ? { region: m[1] as string, account: m[2] as string, name: m[3] as string, version: Number(m[4]) } : undefined;
}
