// Lambda REQUEST authorizers, payload format 2.0 (developerguide
// http-api-lambda-authorizer): the function gets the request's event (no body) plus
// `type`, `routeArn` and the identity source values; a missing identity source is 401
// without calling it. Simple responses are `{isAuthorized, context}`; otherwise an IAM
// policy whose statements are matched against the route ARN. Refusal is 403, a failed or
// malformed answer 500. Answers are cached by identity source values for
// resultTtlInSeconds (one call for concurrent requests with the same identity).
import { randomUUID } from 'node:crypto';
import type { InvokeService } from '../../../../invoke/invoke-service.js';
import type { LambdaAuthorizerRecord, Scope } from '../../../../store/records.js';
import type { Clock } from '../../../../util/time.js';
import { identityValue } from './identity-source.js';
import { authorizerFailed, forbidden, unauthorized, type AuthorizerOutcome } from './outcome.js';

/** The authorizer's answer, kept as data so a cached policy is matched against each route. */
type Answer =
  | { readonly kind: 'simple'; readonly isAuthorized: boolean; readonly context: Readonly<Record<string, unknown>> }
  | { readonly kind: 'policy'; readonly statements: readonly Statement[]; readonly context: Readonly<Record<string, unknown>>; readonly principalId: string | undefined };

interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export interface LambdaAuthorizerCall {
  readonly scope: Scope;
  /** The authorizer's name in its table. */
  readonly name: string;
  readonly config: LambdaAuthorizerRecord;
  /** The table's revision: a new table starts with an empty cache. */
  readonly revision: string;
  /** The route's payload 2.0 event, before the authorizer context is added. */
  readonly event: Readonly<Record<string, unknown>>;
  readonly routeArn: string;
}

export interface LambdaAuthorizerDeps {
  readonly invoker: InvokeService;
  readonly clock: Clock;
  /** Entries kept at most; the oldest go first. */
  readonly maxCacheEntries?: number;
}

class MalformedAnswer extends Error {}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function contextOf(value: unknown): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new MalformedAnswer('context must be an object');
  return value as Record<string, unknown>;
}

function parseAnswer(payload: Buffer, simple: boolean): Answer {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new MalformedAnswer('the answer is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MalformedAnswer('the answer is not a JSON object');
  const answer = body as Record<string, unknown>;
  if (simple) {
    if (typeof answer.isAuthorized !== 'boolean') throw new MalformedAnswer('isAuthorized must be true or false (enableSimpleResponses)');
    return { kind: 'simple', isAuthorized: answer.isAuthorized, context: contextOf(answer.context) };
  }
  const document = answer.policyDocument as { Statement?: unknown } | undefined;
  if (typeof document !== 'object' || document === null) throw new MalformedAnswer('policyDocument is missing');
  const raw = Array.isArray(document.Statement) ? (document.Statement as unknown[]) : [document.Statement];
  const statements = raw.map((s): Statement => {
    const st = s as { Effect?: unknown; Action?: unknown; Resource?: unknown } | undefined;
    if (st?.Effect !== 'Allow' && st?.Effect !== 'Deny') throw new MalformedAnswer('each policy statement needs Effect Allow or Deny');
    return { effect: st.Effect, actions: asList(st.Action), resources: asList(st.Resource) };
  });
  return { kind: 'policy', statements, context: contextOf(answer.context), principalId: typeof answer.principalId === 'string' ? answer.principalId : undefined };
}

/** IAM wildcards: `*` any run of characters, `?` one. */
function wildcard(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function policyAllows(statements: readonly Statement[], routeArn: string): boolean {
  const applies = (s: Statement): boolean =>
    s.actions.some((a) => wildcard(a, 'execute-api:Invoke')) && s.resources.some((r) => wildcard(r, routeArn));
  if (statements.some((s) => s.effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.effect === 'Allow' && applies(s));
}

export class LambdaAuthorizer {
  readonly #deps: LambdaAuthorizerDeps;
  readonly #cache = new Map<string, { readonly expires: number; readonly answer: Promise<Answer> }>();

  constructor(deps: LambdaAuthorizerDeps) {
    this.#deps = deps;
  }

  async authorize(call: LambdaAuthorizerCall): Promise<AuthorizerOutcome> {
    const { config } = call;
    const values: string[] = [];
    for (const source of config.identitySource) {
      const value = identityValue(source, call.event);
      if (value === undefined) return unauthorized(`the identity source ${source} is missing or empty`);
      values.push(value);
    }
    let answer: Answer;
    try {
      answer = await this.#answer(call, values);
    } catch (err) {
      return authorizerFailed(`authorizer ${call.name} (function ${config.function}) failed: ${(err as Error).message}`);
    }
    if (answer.kind === 'simple' ? !answer.isAuthorized : !policyAllows(answer.statements, call.routeArn)) {
      return forbidden(`authorizer ${call.name} refused the request`);
    }
    return { kind: 'allow', authorizer: { lambda: answer.context } };
  }

  #answer(call: LambdaAuthorizerCall, values: readonly string[]): Promise<Answer> {
    const ttlMs = call.config.resultTtlInSeconds * 1000;
    if (ttlMs === 0) return this.#invoke(call, values);
    const now = this.#deps.clock();
    const key = JSON.stringify([call.scope.account, call.scope.region, call.revision, call.name, ...values]);
    const hit = this.#cache.get(key);
    if (hit && hit.expires > now) return hit.answer;
    this.#prune(now);
    const answer = this.#invoke(call, values);
    this.#cache.set(key, { expires: now + ttlMs, answer });
    answer.catch(() => this.#cache.delete(key)); // failures are not remembered
    return answer;
  }

  async #invoke(call: LambdaAuthorizerCall, values: readonly string[]): Promise<Answer> {
    const { body: _body, isBase64Encoded: _b64, ...request } = call.event;
    const event = { version: '2.0', type: 'REQUEST', routeArn: call.routeArn, identitySource: values, ...request };
    const result = await this.#deps.invoker.invoke({
      key: { ...call.scope, name: call.config.function }, qualifier: call.config.qualifier, requestId: randomUUID(),
      payload: Buffer.from(JSON.stringify(event)), trigger: 'route', wantLogTail: false,
    });
    if (result.functionError !== undefined) throw new Error(`the function failed: ${result.payload.toString('utf8').slice(0, 300)}`);
    return parseAnswer(result.payload, call.config.enableSimpleResponses);
  }

  /** Makes room for one entry when full: expired entries first, then the oldest. */
  #prune(now: number): void {
    const max = this.#deps.maxCacheEntries ?? 10_000;
    if (this.#cache.size < max) return;
    for (const [key, entry] of this.#cache) if (entry.expires <= now) this.#cache.delete(key);
    for (const key of this.#cache.keys()) {
      if (this.#cache.size < max) break;
      this.#cache.delete(key);
    }
  }
}
