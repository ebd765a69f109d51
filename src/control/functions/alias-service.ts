// Aliases (lambda-reference §1.6): a name for a version, optionally splitting calls with
// one more version by weight. Each change gets a new RevisionId and is published as a
// function event, so the invoke path and provisioned concurrency follow it at once.
import { randomUUID } from 'node:crypto';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { FunctionKey } from '../../store/records.js';
import type { AliasRecord, AliasWriteOutcome } from '../../store/version-ports.js';
import { functionArn } from '../../util/arn.js';
import { checkFunctionVersion, checkRouting } from './alias-routing.js';
import type { FunctionEvents } from './function-events.js';
import { isAliasName, notFound, QualifierLookup, validationError } from './qualifiers.js';

export interface AliasInput {
  readonly functionVersion?: string | undefined;
  readonly description?: string | undefined;
  /** AdditionalVersionWeights; undefined keeps the current split, `{}` removes it. */
  readonly additionalVersionWeights?: Readonly<Record<string, number>> | undefined;
  /** UpdateAlias only: must equal the alias's RevisionId when given. */
  readonly revisionId?: string | undefined;
}

export interface AliasPage {
  readonly items: readonly AliasRecord[];
  readonly nextMarker: string | undefined;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 10_000;

export function aliasArn(key: FunctionKey, alias: string): string {
  return functionArn(key.region, key.account, key.name, alias);
}

function checkName(name: string): string {
  if (name.length < 1 || name.length > 128) throw validationError(name, 'name', 'Member must have length between 1 and 128');
  if (!isAliasName(name)) throw validationError(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  return name;
}

function checkDescription(description: string): string {
  if (description.length > 256) throw invalidParameter('Description', `must be at most 256 characters (got ${description.length})`);
  return description;
}

export class AliasService {
  readonly #store: Store;
  readonly #events: FunctionEvents;
  readonly #lookup: QualifierLookup;

  constructor(store: Store, events: FunctionEvents) {
    this.#store = store;
    this.#events = events;
    this.#lookup = new QualifierLookup(store);
  }

  async create(key: FunctionKey, name: string, input: AliasInput): Promise<AliasRecord> {
    checkName(name);
    if (input.functionVersion === undefined) throw validationError('null', 'functionVersion', 'Member must not be null');
    const functionVersion = checkFunctionVersion(input.functionVersion);
    await this.#lookup.resolve(key, undefined);
    const alias: AliasRecord = {
      ...key, alias: name, functionVersion, description: checkDescription(input.description ?? ''),
      additionalVersionWeights: checkRouting(functionVersion, input.additionalVersionWeights ?? {}), revisionId: randomUUID(),
    };
    this.#settle(key, name, await this.#store.aliases.create(alias));
    return alias;
  }

  async get(key: FunctionKey, name: string): Promise<AliasRecord> {
    await this.#lookup.resolve(key, undefined);
    const alias = await this.#store.aliases.get(key, checkName(name));
    if (!alias) throw new NimbusError('ResourceNotFoundException', `Cannot find alias arn: ${aliasArn(key, name)}`);
    return alias;
  }

  /** Changes only what is given; a new FunctionVersion keeps the split unless one is given too. */
  async update(key: FunctionKey, name: string, input: AliasInput): Promise<AliasRecord> {
    await this.#lookup.resolve(key, undefined);
    const current = await this.#store.aliases.get(key, checkName(name));
    if (!current) throw aliasNotFound(key, name);
    if (input.revisionId !== undefined && input.revisionId !== current.revisionId) {
      throw new NimbusError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    const functionVersion = input.functionVersion === undefined ? current.functionVersion : checkFunctionVersion(input.functionVersion);
    const next: AliasRecord = {
      ...current, functionVersion,
      description: input.description === undefined ? current.description : checkDescription(input.description),
      additionalVersionWeights: checkRouting(functionVersion, input.additionalVersionWeights ?? current.additionalVersionWeights),
      revisionId: randomUUID(),
    };
    this.#settle(key, name, await this.#store.aliases.update(next, current.revisionId));
    return next;
  }

  async delete(key: FunctionKey, name: string): Promise<void> {
    await this.#lookup.resolve(key, undefined);
    if (!(await this.#store.aliases.delete(key, checkName(name)))) throw aliasNotFound(key, name);
    this.#events.publish({ kind: 'alias-changed', key, alias: name });
  }

  /** ListAliases, optionally only those whose primary or additional version is `functionVersion`. */
  async list(key: FunctionKey, functionVersion: string | undefined, marker: string | undefined, maxItems: number | undefined): Promise<AliasPage> {
    const limit = maxItems ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter('MaxItems', `must be an integer from 1 to ${MAX_PAGE}`);
    if (functionVersion !== undefined) checkFunctionVersion(functionVersion);
    await this.#lookup.resolve(key, undefined);
    const all = (await this.#store.aliases.list(key))
      .filter((a) => functionVersion === undefined || a.functionVersion === functionVersion || functionVersion in a.additionalVersionWeights)
      .filter((a) => marker === undefined || a.alias > marker);
    const items = all.slice(0, limit);
    return { items, nextMarker: all.length > limit ? items[items.length - 1]?.alias : undefined };
  }

  #settle(key: FunctionKey, name: string, outcome: AliasWriteOutcome): void {
    if (outcome === 'exists') throw new NimbusError('ResourceConflictException', `Alias already exists: ${aliasArn(key, name)}`);
    if (outcome === 'changed') {
      throw new NimbusError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (outcome !== 'written') throw notFound(key, outcome.missingVersion);
    this.#events.publish({ kind: 'alias-changed', key, alias: name });
  }
}

function aliasNotFound(key: FunctionKey, name: string): NimbusError {
  return new NimbusError('ResourceNotFoundException', `Alias not found: ${aliasArn(key, name)}`);
}
