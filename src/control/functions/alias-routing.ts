// The rules of an alias's traffic split (lambda-reference §1.6 Aliases) and the two ways
// the platform applies it: each call picks a version by weight, and provisioned
// concurrency on an alias is shared between its versions by weight.
import { NimbusError } from '../../errors.js';
import { isVersionNumber, LATEST, validationError } from './qualifiers.js';

/** The part of an alias that decides where calls go. */
export interface AliasRouting {
  readonly functionVersion: string;
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
}

const WEIGHT_CONSTRAINT = 'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]';
const KEY_CONSTRAINT = 'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]';

/** Checks FunctionVersion against the model: `$LATEST` or a number. */
export function checkFunctionVersion(value: string): string {
  if (value !== LATEST && !isVersionNumber(value)) {
    throw validationError(value, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
  }
  if (value.length > 1024) throw validationError(value, 'functionVersion', 'Member must have length less than or equal to 1024');
  return value;
}

/** Lambda's checks of RoutingConfig.AdditionalVersionWeights against the primary version. */
export function checkRouting(primary: string, weights: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const entries = Object.entries(weights);
  if (entries.length > 1) throw new NimbusError('InvalidParameterValueException', 'Number of items in AdditionalVersionWeights cannot be greater than 1');
  for (const [version, weight] of entries) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw validationError(`{${version}=${String(weight)}}`, 'routingConfig.additionalVersionWeights', WEIGHT_CONSTRAINT);
    }
    if (!isVersionNumber(version)) throw validationError(`{${version}=${weight}}`, 'routingConfig.additionalVersionWeights', KEY_CONSTRAINT);
    if (version === primary) {
      throw new NimbusError('InvalidParameterValueException', `Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`);
    }
    if (primary === LATEST) throw new NimbusError('InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version');
  }
  return Object.freeze({ ...weights });
}

/** The version one call runs: the additional one with its weight's probability. `random` is in [0, 1). */
export function pickVersion(routing: AliasRouting, random: number): string {
  for (const [version, weight] of Object.entries(routing.additionalVersionWeights)) {
    if (random < weight) return version;
  }
  return routing.functionVersion;
}

/**
 * Shares `count` instances between the alias's versions by weight (the additional
 * version's share rounded to the nearest instance); versions with a share of 0 are left out.
 */
export function splitByWeight(routing: AliasRouting, count: number): ReadonlyMap<string, number> {
  const shares = new Map<string, number>();
  let left = count;
  for (const [version, weight] of Object.entries(routing.additionalVersionWeights)) {
    const share = Math.min(left, Math.round(count * weight));
    if (share > 0) shares.set(version, share);
    left -= share;
  }
  if (left > 0) shares.set(routing.functionVersion, left);
  return shares;
}
