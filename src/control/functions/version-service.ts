// Published versions (lambda-reference §1.6 PublishVersion): immutable snapshots of
// $LATEST's code and configuration, numbered 1, 2, … per function and never renumbered.
// A version is stored only once its code is unpacked on this node, so it is Active from
// the start; later changes to $LATEST never touch it.
import { createHash, randomUUID } from 'node:crypto';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { FunctionKey, FunctionRecord, FunctionSettings, FunctionVersionRecord, Scope } from '../../store/records.js';
import type { CodeCache } from '../code/code-cache.js';
import type { FunctionEvents } from './function-events.js';
import { isVersionNumber, LATEST, notFound, QualifierLookup, updateInProgress } from './qualifiers.js';

export interface PublishInput {
  /** Must equal $LATEST's CodeSha256 when given. */
  readonly codeSha256?: string | undefined;
  /** Must equal $LATEST's RevisionId when given. */
  readonly revisionId?: string | undefined;
  /** The version's description; $LATEST's when not given. */
  readonly description?: string | undefined;
}

export interface VersionPage {
  /** $LATEST first (on the first page), then published versions in number order. */
  readonly items: readonly FunctionVersionRecord[];
  readonly nextMarker: string | undefined;
}

export interface VersionServiceDeps {
  readonly store: Store;
  readonly code: CodeCache;
  readonly events: FunctionEvents;
}

/** ListVersionsByFunction returns at most 50 per page by default; MaxItems may ask for up to 10000. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 10_000;
/** ListFunctions pages hold at most 50 whatever MaxItems says (model doc). */
const FUNCTIONS_PAGE = 50;
/** A publish racing $LATEST's own settling (Pending -> Active) tries again this often. */
const PUBLISH_ATTEMPTS = 5;

/** JSON with sorted keys, so equal settings always give the same digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a version is taken from: $LATEST's code and settings (not its state or RevisionId). */
export function sourceDigest(code: { readonly blobKey: string }, settings: FunctionSettings): string {
  return createHash('sha256').update(code.blobKey).update('\0').update(canonical(settings)).digest('hex');
}

export class VersionService {
  readonly #deps: VersionServiceDeps;
  readonly #lookup: QualifierLookup;

  constructor(deps: VersionServiceDeps) {
    this.#deps = deps;
    this.#lookup = new QualifierLookup(deps.store);
  }

  /** PublishVersion: checks the preconditions, then takes $LATEST as it is. */
  async publish(key: FunctionKey, input: PublishInput): Promise<FunctionVersionRecord> {
    const { fn } = await this.#lookup.resolve(key, undefined);
    const latest = fn.latest;
    if (input.revisionId !== undefined && input.revisionId !== latest.revisionId) {
      throw new NimbusError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (input.codeSha256 !== undefined && input.codeSha256 !== latest.code.sha256) {
      throw new NimbusError('InvalidParameterValueException',
        `CodeSHA256 (${input.codeSha256}) is different from current CodeSHA256 in $LATEST (${latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`);
    }
    if (latest.lastUpdateStatus === 'InProgress') throw updateInProgress(key);
    if (latest.state === 'Failed') throw new NimbusError('ResourceConflictException', `The operation cannot be performed at this time. The function is currently in the following state: ${latest.state}`);
    return this.snapshot(latest, input.description);
  }

  /**
   * Publishes `latest` as it is (Publish=true on CreateFunction and UpdateFunctionCode take
   * it while it is still settling). Returns the newest version instead when nothing changed.
   */
  async snapshot(latest: FunctionVersionRecord, description?: string): Promise<FunctionVersionRecord> {
    if (description !== undefined && description.length > 256) throw invalidParameter('Description', `must be at most 256 characters (got ${description.length})`);
    const digest = sourceDigest(latest.code, latest.settings);
    await this.#deps.code.ensure(latest.code); // a version is never visible before its code is ready
    let source = latest;
    for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
      const outcome = await this.#deps.store.versions.publish({
        ...source,
        settings: { ...source.settings, description: description ?? source.settings.description },
        revisionId: randomUUID(), state: 'Active', stateReason: undefined, stateReasonCode: undefined,
        lastUpdateStatus: 'Successful', lastUpdateStatusReason: undefined, lastUpdateStatusReasonCode: undefined,
      }, digest, source.revisionId);
      if (outcome.kind !== 'conflict') return outcome.version;
      // $LATEST moved on: fine when only its state settled, a conflict when its code or settings changed.
      const current = await this.#deps.store.functions.get(latest);
      if (!current) throw notFound(latest);
      if (sourceDigest(current.latest.code, current.latest.settings) !== digest) throw updateInProgress(latest);
      source = current.latest;
    }
    throw updateInProgress(latest);
  }

  /** ListVersionsByFunction; the marker is the last version of the previous page. */
  async list(key: FunctionKey, marker: string | undefined, maxItems: number | undefined): Promise<VersionPage> {
    const limit = maxItems ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter('MaxItems', `must be an integer from 1 to ${MAX_PAGE}`);
    if (marker !== undefined && marker !== LATEST && !isVersionNumber(marker)) throw invalidParameter('Marker', `'${marker}' is not a marker this API returned`);
    const { fn } = await this.#lookup.resolve(key, undefined);
    const withLatest = marker === undefined;
    const page = await this.#deps.store.versions.list(key, marker === undefined || marker === LATEST ? 0 : Number(marker), withLatest ? limit - 1 : limit);
    const items = withLatest ? [fn.latest, ...page.items] : page.items;
    return { items, nextMarker: page.more ? items[items.length - 1]?.version : undefined };
  }

  /**
   * ListFunctions with FunctionVersion=ALL: each function's $LATEST and published versions,
   * functions in name order, at most 50 a page; the marker is `name:version` of the last item.
   */
  async listAll(scope: Scope, marker: string | undefined, maxItems: number | undefined): Promise<VersionPage> {
    const limit = Math.min(maxItems ?? FUNCTIONS_PAGE, FUNCTIONS_PAGE);
    const resume = marker === undefined ? undefined : /^(?<name>[a-zA-Z0-9-_]+):(?<version>\$LATEST|[0-9]+)$/.exec(marker)?.groups;
    if (marker !== undefined && resume?.name === undefined) throw invalidParameter('Marker', `'${marker}' is not a marker this API returned`);
    // One more than a page tells whether another page follows.
    const want = limit + 1;
    const out: FunctionVersionRecord[] = [];
    let afterName = resume?.name;
    if (afterName !== undefined) {
      const fn = await this.#deps.store.functions.get({ ...scope, name: afterName });
      if (fn) await this.#appendVersions(fn, resume?.version, out, want);
    }
    while (out.length < want) {
      const page = await this.#deps.store.functions.list(scope, afterName, FUNCTIONS_PAGE);
      for (const fn of page.items) if (out.length < want) await this.#appendVersions(fn, undefined, out, want);
      if (page.nextMarker === undefined) break;
      afterName = page.nextMarker;
    }
    const items = out.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextMarker: out.length > limit && last ? `${last.name}:${last.version}` : undefined };
  }

  /** Appends a function's versions after `after` ($LATEST first when undefined) until `out` holds `want`. */
  async #appendVersions(fn: FunctionRecord, after: string | undefined, out: FunctionVersionRecord[], want: number): Promise<void> {
    if (after === undefined) out.push(fn.latest);
    let from = after === undefined || after === LATEST ? 0 : Number(after);
    while (out.length < want) {
      const page = await this.#deps.store.versions.list(fn, from, want - out.length);
      out.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) return;
      from = Number(last.version);
    }
  }

  /** DeleteFunction with a version number: refused while an alias routes calls to it. */
  async delete(key: FunctionKey, version: string): Promise<void> {
    const outcome = await this.#deps.store.versions.delete(key, version);
    if (outcome.kind === 'missing') {
      await this.#lookup.resolve(key, undefined); // the function itself missing says so first
      throw notFound(key, version);
    }
    if (outcome.kind === 'referenced') {
      throw new NimbusError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${outcome.aliases.join(', ')}]`);
    }
    this.#deps.events.publish({ kind: 'version-deleted', key, version });
  }
}
