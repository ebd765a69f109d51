// Which policy decides for which function: the platform-wide default (`keepAlivePolicy`),
// unless the function's tag `nimbus:keep-alive` says `fixed` or `adaptive`. A tag, not an
// environment variable, because it is about the platform, not the code, and changing it
// must not make a new revision of the function. Every policy hears every call, so a
// function switched to `adaptive` acts on the history it already has.
import type { Clock } from '../../util/time.js';
import { FixedKeepAlive } from './fixed.js';
import { HybridHistogramKeepAlive } from './hybrid-histogram.js';
import { KEEP_ALIVE_POLICIES, type IdleDecision, type KeepAlivePolicy, type KeepAlivePolicyName } from './policy.js';

export const KEEP_ALIVE_TAG = 'nimbus:keep-alive';

export interface PolicyChoice {
  choose(functionId: string): KeepAlivePolicyName;
  forget(functionId: string): void;
}

export class PerFunctionKeepAlive implements KeepAlivePolicy {
  readonly #policies: Readonly<Record<KeepAlivePolicyName, KeepAlivePolicy>>;
  readonly #choice: PolicyChoice;

  constructor(policies: Readonly<Record<KeepAlivePolicyName, KeepAlivePolicy>>, choice: PolicyChoice) {
    this.#policies = policies;
    this.#choice = choice;
  }

  invocationStarted(functionId: string, now: number): void {
    this.#choice.choose(functionId); // looks the tag up early: it is known by the time the call ends
    for (const policy of Object.values(this.#policies)) policy.invocationStarted(functionId, now);
  }

  invocationEnded(functionId: string, now: number): void {
    for (const policy of Object.values(this.#policies)) policy.invocationEnded(functionId, now);
  }

  decideIdle(functionId: string, now: number): IdleDecision {
    return this.#policies[this.#choice.choose(functionId)].decideIdle(functionId, now);
  }

  forget(functionId: string): void {
    this.#choice.forget(functionId);
    for (const policy of Object.values(this.#policies)) policy.forget(functionId);
  }
}

export interface FunctionName {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

export interface TaggedChoiceOptions {
  /** The platform-wide default, for untagged functions. */
  readonly fallback: KeepAlivePolicyName;
  /** The function's tags; undefined when it does not exist. */
  readonly readTags: (fn: FunctionName) => Promise<Readonly<Record<string, string>> | undefined>;
  readonly clock: Clock;
  /** Tags are read again after this long, so a changed tag takes effect without a restart. */
  readonly refreshMs?: number;
  /** Told once per function and bad value (the default applies meanwhile). */
  readonly log: (line: string) => void;
}

interface ChoiceEntry {
  name: KeepAlivePolicyName | undefined;
  readAt: number;
  reading: boolean;
  reported: string | undefined;
}

/** The choice by tag, read from the store in the background and cached. */
export class TaggedPolicyChoice implements PolicyChoice {
  readonly #options: TaggedChoiceOptions;
  readonly #entries = new Map<string, ChoiceEntry>();

  constructor(options: TaggedChoiceOptions) {
    this.#options = options;
  }

  choose(functionId: string): KeepAlivePolicyName {
    let entry = this.#entries.get(functionId);
    if (!entry) {
      entry = { name: undefined, readAt: Number.NEGATIVE_INFINITY, reading: false, reported: undefined };
      this.#entries.set(functionId, entry);
    }
    if (!entry.reading && this.#options.clock() - entry.readAt >= (this.#options.refreshMs ?? 10_000)) this.#read(functionId, entry);
    return entry.name ?? this.#options.fallback;
  }

  forget(functionId: string): void {
    this.#entries.delete(functionId);
  }

  #read(functionId: string, entry: ChoiceEntry): void {
    // The scheduler's functionId is `account/region/name` (its Admission says so).
    const [account = '', region = '', name = ''] = functionId.split('/');
    entry.reading = true;
    this.#options.readTags({ account, region, name }).then(
      (tags) => {
        entry.reading = false;
        entry.readAt = this.#options.clock();
        const value = tags?.[KEEP_ALIVE_TAG];
        entry.name = KEEP_ALIVE_POLICIES.find((p) => p === value?.trim().toLowerCase());
        if (value !== undefined && entry.name === undefined && entry.reported !== value) {
          entry.reported = value;
          this.#options.log(`function ${name}: tag ${KEEP_ALIVE_TAG}=${JSON.stringify(value)} is neither ${KEEP_ALIVE_POLICIES.join(' nor ')}; the platform default (${this.#options.fallback}) applies`);
        }
      },
      (err: unknown) => {
        entry.reading = false;
        entry.readAt = this.#options.clock(); // try again after the refresh interval, not on every call
        this.#options.log(`function ${name}: could not read its tags for the keep-alive policy: ${String(err)}`);
      },
    );
  }
}

export interface KeepAliveSetup {
  readonly platformDefault: KeepAlivePolicyName;
  /** The fixed keep-alive, and the adaptive policy's fallback. */
  readonly keepAliveMs: number;
  readonly readTags: TaggedChoiceOptions['readTags'];
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

/** The platform's keep-alive: both policies, chosen per function by tag. */
export function createKeepAlivePolicy(setup: KeepAliveSetup): KeepAlivePolicy {
  return new PerFunctionKeepAlive(
    { fixed: new FixedKeepAlive(setup.keepAliveMs), adaptive: new HybridHistogramKeepAlive({ fallbackKeepAliveMs: setup.keepAliveMs }) },
    new TaggedPolicyChoice({ fallback: setup.platformDefault, readTags: setup.readTags, clock: setup.clock, log: setup.log }),
  );
}
