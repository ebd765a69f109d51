// Qualifiers (lambda-reference §1.3): `$LATEST`, a published version number, or an alias
// name (letters, digits, '-', '_', not all digits). Resolving one finds the function, the
// version it names (an alias: its primary version) and the alias, or Lambda's not-found.
import { NimbusError } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { FunctionKey, FunctionRecord, FunctionVersionRecord } from '../../store/records.js';
import type { AliasRecord } from '../../store/version-ports.js';
import { functionArn } from '../../util/arn.js';

export const LATEST = '$LATEST';
const VERSION_NUMBER = /^[0-9]+$/;
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]+$/;

export function isVersionNumber(qualifier: string): boolean {
  return VERSION_NUMBER.test(qualifier);
}

export function isAliasName(qualifier: string): boolean {
  return ALIAS_NAME.test(qualifier) && qualifier.length <= 128;
}

/** Lambda's text for a member that fails a constraint of the API model. */
export function validationError(value: unknown, member: string, constraint: string): NimbusError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new NimbusError('ValidationException', `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function notFound(key: FunctionKey, qualifier?: string): NimbusError {
  return new NimbusError('ResourceNotFoundException', `Function not found: ${functionArn(key.region, key.account, key.name, qualifier)}`);
}

/** Lambda's answer while $LATEST is being updated (or changed under a compare-and-swap). */
export function updateInProgress(key: FunctionKey): NimbusError {
  return new NimbusError('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(key.region, key.account, key.name)}`);
}

export interface QualifiedFunction {
  readonly fn: FunctionRecord;
  /** The version the qualifier names; for an alias, its primary version. */
  readonly version: FunctionVersionRecord;
  readonly alias: AliasRecord | undefined;
}

/** Reads functions, versions and aliases for every API that takes a qualifier. */
export class QualifierLookup {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The function and what `qualifier` names (undefined: $LATEST), or Lambda's not-found naming the qualifier. */
  async resolve(key: FunctionKey, qualifier: string | undefined): Promise<QualifiedFunction> {
    const fn = await this.#store.functions.get(key);
    if (!fn) throw notFound(key, qualifier);
    if (qualifier === undefined || qualifier === LATEST) return { fn, version: fn.latest, alias: undefined };
    if (isVersionNumber(qualifier)) return { fn, version: await this.version(key, qualifier), alias: undefined };
    const alias = await this.alias(key, qualifier);
    return { fn, version: await this.version(key, alias.functionVersion), alias };
  }

  /** A published version or $LATEST. */
  async version(key: FunctionKey, version: string): Promise<FunctionVersionRecord> {
    const found = version === LATEST ? (await this.#store.functions.get(key))?.latest : await this.#store.versions.get(key, version);
    if (!found) throw notFound(key, version);
    return found;
  }

  async alias(key: FunctionKey, name: string): Promise<AliasRecord> {
    const alias = isAliasName(name) ? await this.#store.aliases.get(key, name) : undefined;
    if (!alias) throw notFound(key, name);
    return alias;
  }
}
