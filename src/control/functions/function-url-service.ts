// Function URL configs (lambda-reference §1.6 CreateFunctionUrlConfig): one per function
// and qualifier, each with a random url id that names it in a Host header for good.
// The qualifier is `$LATEST` (or none, the same thing here) or an alias; a URL cannot
// name a version number, as on Lambda.
import { randomBytes } from 'node:crypto';
import { NimbusError, invalidParameter } from '../../errors.js';
import type { FunctionUrlRepository } from '../../store/ports.js';
import type { FunctionKey, FunctionUrlAuthType, FunctionUrlConfigRecord, FunctionUrlCors, FunctionUrlInvokeMode } from '../../store/records.js';
import { functionArn } from '../../util/arn.js';
import type { Clock } from '../../util/time.js';
import type { FunctionEvents } from './function-events.js';
import type { FunctionService } from './function-service.js';
import { isVersionNumber, LATEST, validationError } from './qualifiers.js';

export interface FunctionUrlInput {
  readonly authType?: string | undefined;
  readonly cors?: FunctionUrlCors | undefined;
  readonly invokeMode?: string | undefined;
}

const AUTH_TYPES: readonly FunctionUrlAuthType[] = ['NONE', 'AWS_IAM'];
const INVOKE_MODES: readonly FunctionUrlInvokeMode[] = ['BUFFERED', 'RESPONSE_STREAM'];
/** The model caps AllowMethods items at 6 characters, which leaves these (OPTIONS is answered by the URL itself). */
const CORS_METHODS = ['*', 'GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE'];
const URL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const URL_ID_PATTERN = /^[a-z0-9]{32}$/;

/** 32 random lowercase letters and digits (rejection sampling keeps them uniform). */
export function newUrlId(): string {
  let id = '';
  while (id.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte < 252 && id.length < 32) id += URL_ID_ALPHABET[byte % 36];
    }
  }
  return id;
}

function checkList(field: string, list: readonly string[] | undefined, maxItems: number, maxLength: number, minLength = 0): void {
  if (list === undefined) return;
  if (list.length > maxItems) throw invalidParameter(field, `must have at most ${maxItems} items (got ${list.length})`);
  list.forEach((item, i) => {
    if (item.length < minLength || item.length > maxLength) throw invalidParameter(`${field}.${i}`, `must be ${minLength} to ${maxLength} characters long (got ${item.length})`);
  });
}

/** Checks a Cors member against the model's limits; method names are kept upper-case. */
export function validateCors(cors: FunctionUrlCors | undefined): FunctionUrlCors | undefined {
  if (cors === undefined) return undefined;
  checkList('Cors.AllowHeaders', cors.allowHeaders, 100, 1024);
  checkList('Cors.ExposeHeaders', cors.exposeHeaders, 100, 1024);
  checkList('Cors.AllowOrigins', cors.allowOrigins, 100, 253, 1);
  checkList('Cors.AllowMethods', cors.allowMethods, 6, 6);
  const allowMethods = cors.allowMethods?.map((m) => m.toUpperCase());
  allowMethods?.forEach((m, i) => {
    if (!CORS_METHODS.includes(m)) throw invalidParameter(`Cors.AllowMethods.${i}`, `must be one of ${CORS_METHODS.join(', ')} (got '${cors.allowMethods?.[i] ?? ''}')`);
  });
  const { maxAge } = cors;
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86400)) throw invalidParameter('Cors.MaxAge', `must be an integer from 0 to 86400 (got ${maxAge})`);
  const out: { -readonly [K in keyof FunctionUrlCors]: FunctionUrlCors[K] } = {};
  if (cors.allowCredentials !== undefined) out.allowCredentials = cors.allowCredentials;
  if (cors.allowHeaders !== undefined) out.allowHeaders = [...cors.allowHeaders];
  if (allowMethods !== undefined) out.allowMethods = allowMethods;
  if (cors.allowOrigins !== undefined) out.allowOrigins = [...cors.allowOrigins];
  if (cors.exposeHeaders !== undefined) out.exposeHeaders = [...cors.exposeHeaders];
  if (maxAge !== undefined) out.maxAge = maxAge;
  return out;
}

function checkEnum<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalidParameter(field, `must be ${allowed.join(' or ')} (got '${value}')`);
  return value as T;
}

function configNotFound(): NimbusError {
  return new NimbusError('ResourceNotFoundException', 'The resource you requested does not exist.');
}

export interface FunctionUrlServiceDeps {
  readonly urls: FunctionUrlRepository;
  readonly functions: FunctionService;
  readonly clock: Clock;
  /** Url id source; tests pass a fixed one. */
  readonly newUrlId?: () => string;
  /** Function changes: deleting a function or an alias deletes its URL configs with it. */
  readonly events: FunctionEvents;
  /** A config was written here (cluster mode: tell the other nodes to forget theirs). */
  readonly changed: () => void;
}

export class FunctionUrlService {
  readonly #deps: FunctionUrlServiceDeps;
  /**
   * The configs that serving looks up on every request, by `id:<url id>` and by
   * `fn:<function id>/<qualifier>`. Only found configs stay: a flood of made-up URLs must
   * not grow it. Emptied on any change here, on function and alias changes, and on the
   * other nodes' hints.
   */
  readonly #served = new Map<string, Promise<FunctionUrlConfigRecord | undefined>>();
  readonly #unsubscribe: () => void;

  constructor(deps: FunctionUrlServiceDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.events.subscribe((event) => {
      if (event.kind === 'deleted' || event.kind === 'alias-changed') this.forget();
    });
  }

  /** Stops listening to function changes. */
  dispose(): void {
    this.#unsubscribe();
  }

  /** Drops every cached config (another node changed one, or its hints may have been missed). */
  forget(): void {
    this.#served.clear();
  }

  async create(key: FunctionKey, qualifier: string | undefined, input: FunctionUrlInput): Promise<FunctionUrlConfigRecord> {
    const q = await this.#qualifier(key, qualifier);
    if (input.authType === undefined) throw invalidParameter('AuthType', 'is required');
    const authType = checkEnum('AuthType', input.authType, AUTH_TYPES);
    const invokeMode = checkEnum('InvokeMode', input.invokeMode ?? 'BUFFERED', INVOKE_MODES);
    const cors = validateCors(input.cors);
    const now = this.#deps.clock();
    // A taken url id (32 random characters: never, in practice) is simply drawn again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const config: FunctionUrlConfigRecord = {
        ...key, qualifier: q, urlId: (this.#deps.newUrlId ?? newUrlId)(), authType, cors, invokeMode, createdAt: now, lastModified: now,
      };
      if (await this.#deps.urls.create(config)) {
        this.#changed();
        return config;
      }
      if (await this.#deps.urls.get(key, q)) {
        throw new NimbusError('ResourceConflictException',
          `Failed to create function url config for [functionArn = ${functionArn(key.region, key.account, key.name)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
      }
      await this.#deps.functions.get(key); // deleted meanwhile: not found
    }
    throw new NimbusError('ServiceException', 'could not draw an unused function URL id');
  }

  async get(key: FunctionKey, qualifier: string | undefined): Promise<FunctionUrlConfigRecord> {
    const q = await this.#qualifier(key, qualifier);
    const config = await this.#deps.urls.get(key, q);
    if (!config) throw configNotFound();
    return config;
  }

  /** Changes only the members given; Cors, when given, is replaced whole. */
  async update(key: FunctionKey, qualifier: string | undefined, input: FunctionUrlInput): Promise<FunctionUrlConfigRecord> {
    const current = await this.get(key, qualifier);
    const next: FunctionUrlConfigRecord = {
      ...current,
      authType: input.authType === undefined ? current.authType : checkEnum('AuthType', input.authType, AUTH_TYPES),
      invokeMode: input.invokeMode === undefined ? current.invokeMode : checkEnum('InvokeMode', input.invokeMode, INVOKE_MODES),
      cors: input.cors === undefined ? current.cors : validateCors(input.cors),
      lastModified: Math.max(this.#deps.clock(), current.lastModified),
    };
    if (!(await this.#deps.urls.update(next))) throw configNotFound();
    this.#changed();
    return next;
  }

  async delete(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    const q = await this.#qualifier(key, qualifier);
    if (!(await this.#deps.urls.delete(key, q))) throw configNotFound();
    this.#changed();
  }

  async list(key: FunctionKey): Promise<readonly FunctionUrlConfigRecord[]> {
    await this.#deps.functions.get(key);
    return this.#deps.urls.list(key);
  }

  /** Serving by Host: the config a url id names, if any. */
  findByUrlId(urlId: string): Promise<FunctionUrlConfigRecord | undefined> {
    return URL_ID_PATTERN.test(urlId) ? this.#cached(`id:${urlId}`, () => this.#deps.urls.getByUrlId(urlId)) : Promise.resolve(undefined);
  }

  /** Serving by path: the function's URL config; Lambda's not-found errors when it has none. */
  async findForFunction(key: FunctionKey, qualifier: string | undefined): Promise<FunctionUrlConfigRecord> {
    const q = qualifier ?? LATEST;
    const config = await this.#cached(`fn:${key.account}/${key.region}/${key.name}/${q}`, () => this.#deps.urls.get(key, q));
    if (config) return config;
    await this.#qualifier(key, qualifier); // the function or qualifier missing says so
    throw configNotFound();
  }

  #cached(lookup: string, read: () => Promise<FunctionUrlConfigRecord | undefined>): Promise<FunctionUrlConfigRecord | undefined> {
    let found = this.#served.get(lookup);
    if (found === undefined) {
      found = read();
      this.#served.set(lookup, found);
      // A miss or a failed read is not kept; a config changed while it was read is forgotten with the rest.
      found.then((config) => {
        if (config === undefined && this.#served.get(lookup) === found) this.#served.delete(lookup);
      }, () => {
        if (this.#served.get(lookup) === found) this.#served.delete(lookup);
      });
    }
    return found;
  }

  #changed(): void {
    this.forget();
    this.#deps.changed();
  }

  async #qualifier(key: FunctionKey, qualifier: string | undefined): Promise<string> {
    if (qualifier !== undefined && isVersionNumber(qualifier)) {
      throw validationError(qualifier, 'qualifier', 'Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))');
    }
    await this.#deps.functions.getQualified(key, qualifier); // the function, or the alias, missing says so
    return qualifier ?? LATEST;
  }
}
