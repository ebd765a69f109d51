// Resolves a function reference to what the runtime needs (a FunctionSpec), keeping the
// result in memory so the invoke path does not read the store or the disk each time.
// Entries are dropped when the function changes (function events), and instances built
// for an older spec are retired then.
import { createHash } from 'node:crypto';
import { notFound, type FunctionService } from '../control/functions/function-service.js';
import type { CodeCache } from '../control/code/code-cache.js';
import type { FunctionEvents } from '../control/functions/function-events.js';
import { NimbusError } from '../errors.js';
import type { FunctionSpec } from '../runtime/execution-types.js';
import type { FunctionKey, FunctionRecord } from '../store/records.js';
import { functionArn } from '../util/arn.js';
import { logGroupName } from '../logs/platform-lines.js';

export interface ResolvedFunction {
  readonly record: FunctionRecord;
  readonly spec: FunctionSpec;
  readonly functionId: string;
  readonly executedVersion: string;
  readonly invokedArn: string;
}

export function functionIdOf(key: FunctionKey): string {
  return `${key.account}/${key.region}/${key.name}`;
}

export class FunctionResolver {
  readonly #functions: FunctionService;
  readonly #code: CodeCache;
  readonly #cache = new Map<string, Promise<ResolvedFunction | undefined>>();
  readonly #unsubscribe: () => void;

  constructor(functions: FunctionService, code: CodeCache, events: FunctionEvents, onChanged: (functionId: string, current: FunctionSpec | undefined) => void) {
    this.#functions = functions;
    this.#code = code;
    this.#unsubscribe = events.subscribe((event) => {
      if (event.kind === 'settle-failed') return;
      const functionId = functionIdOf(event.key);
      this.#cache.delete(functionId);
      if (event.kind === 'deleted') {
        onChanged(functionId, undefined);
        return;
      }
      this.#load(event.key).then((fn) => onChanged(functionId, fn?.spec), () => onChanged(functionId, undefined));
    });
  }

  /** The function to run for `key` and `qualifier`, or a Lambda error saying why not. */
  async resolve(key: FunctionKey, qualifier: string | undefined): Promise<ResolvedFunction> {
    if (qualifier !== undefined && qualifier !== '$LATEST') throw notFound(key, qualifier);
    const functionId = functionIdOf(key);
    let entry = this.#cache.get(functionId);
    if (!entry) {
      entry = this.#load(key);
      this.#cache.set(functionId, entry);
      entry.catch(() => this.#cache.delete(functionId));
    }
    const fn = await entry;
    if (!fn) {
      this.#cache.delete(functionId);
      throw notFound(key, qualifier ?? '$LATEST');
    }
    const state = fn.record.latest.state;
    if (state !== 'Active') {
      this.#cache.delete(functionId);
      throw new NimbusError('ResourceConflictException', `The operation cannot be performed at this time. The function is currently in the following state: ${state}`);
    }
    return qualifier === undefined ? fn : { ...fn, invokedArn: functionArn(key.region, key.account, key.name, qualifier) };
  }

  dispose(): void {
    this.#unsubscribe();
  }

  async #load(key: FunctionKey): Promise<ResolvedFunction | undefined> {
    const record = await this.#functions.find(key);
    if (!record) return undefined;
    const v = record.latest;
    const s = v.settings;
    const codeDir = await this.#code.ensure(v.code);
    const specKey = createHash('sha256').update(v.code.blobKey).update(JSON.stringify(s)).digest('hex').slice(0, 16);
    const spec: FunctionSpec = {
      account: key.account, region: key.region, name: key.name, version: v.version, specKey,
      handler: s.handler, runtime: s.runtime, codeDir, memoryMb: s.memorySize, timeoutSec: s.timeout,
      ephemeralStorageMb: s.ephemeralStorageMb, environment: s.environment ?? {},
      logGroup: logGroupName(key.name, s.logGroup), logFormat: s.logFormat,
    };
    return { record, spec, functionId: functionIdOf(key), executedVersion: v.version, invokedArn: functionArn(key.region, key.account, key.name) };
  }
}
