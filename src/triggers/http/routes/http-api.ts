// The HTTP API's request path (API Gateway HTTP API, payload format 2.0): match a route
// of the caller's table, run its authorizer, invoke its function, map the result. The
// answers for what goes wrong are API Gateway's: 404 `{"message":"Not Found"}` for no
// route, 401/403 from authorizers, 500 `{"message":"Internal Server Error"}` when the
// function fails or cannot be invoked (why goes to the platform log, never the client).
import { NimbusError } from '../../../errors.js';
import type { HttpRouteRecord, Scope } from '../../../store/records.js';
import type { Clock } from '../../../util/time.js';
import { buildHttpEventV2, type HttpEventContext, type HttpRequestFacts } from '../event-v2.js';
import type { HttpInvoker } from '../http-invoker.js';
import { httpApiInternalServerError, type MappedResponse } from '../response-v2.js';
import { identityValue } from './authorizers/identity-source.js';
import type { JwtAuthorizer } from './authorizers/jwt.js';
import type { LambdaAuthorizer } from './authorizers/lambda.js';
import { gatewayAnswer, type AuthorizerOutcome } from './authorizers/outcome.js';
import type { CompiledRouteTable, RouteService } from './route-service.js';

export const HTTP_API_STAGE = '$default';

export interface HttpApiRequest {
  readonly scope: Scope;
  /** The request as sent, its rawPath relative to the API (any /http prefix removed). */
  readonly facts: HttpRequestFacts;
  readonly apiId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly requestId: string;
}

export interface HttpApiDeps {
  readonly routes: RouteService;
  readonly http: HttpInvoker;
  readonly jwt: JwtAuthorizer;
  readonly lambda: LambdaAuthorizer;
  readonly clock: Clock;
  /** One line for the platform log when a request is refused or fails (the client sees only API Gateway's answer). */
  readonly log: (line: string) => void;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}{path}`, as authorizers see it. */
export function routeArn(req: HttpApiRequest): string {
  return `arn:aws:execute-api:${req.scope.region}:${req.scope.account}:${req.apiId}/${HTTP_API_STAGE}/${req.facts.method}${req.facts.rawPath}`;
}

export class HttpApi {
  readonly #deps: HttpApiDeps;

  constructor(deps: HttpApiDeps) {
    this.#deps = deps;
  }

  async handle(req: HttpApiRequest): Promise<MappedResponse> {
    const compiled = await this.#deps.routes.compiled(req.scope);
    const match = compiled.matcher.match(req.facts.method, req.facts.rawPath);
    if (!match) return gatewayAnswer(404, 'Not Found');
    const context: Omit<HttpEventContext, 'requestId' | 'now'> = {
      routeKey: match.routeKey, stage: HTTP_API_STAGE, apiId: req.apiId, domainName: req.domainName, domainPrefix: req.domainPrefix,
      accountId: req.scope.account, pathParameters: match.pathParameters,
    };
    const route = match.route;
    const where = `HTTP API request ${req.requestId} (${req.facts.method} ${req.facts.rawPath} → ${match.routeKey})`;
    let authorizer: Readonly<Record<string, unknown>> | undefined;
    if (route.authorizer !== undefined) {
      const outcome = await this.#authorize(req, compiled, route, context);
      if (outcome.kind === 'deny') {
        this.#deps.log(`${where}: ${outcome.response.status}, ${outcome.reason}`);
        return outcome.response;
      }
      authorizer = outcome.authorizer;
    }
    try {
      return await this.#deps.http.invoke({
        key: { ...req.scope, name: route.function }, qualifier: route.qualifier, requestId: req.requestId, facts: req.facts,
        context: { ...context, authorizer }, trigger: 'route',
      });
    } catch (err) {
      if (!(err instanceof NimbusError)) throw err;
      this.#deps.log(`${where}: function ${route.function} could not be invoked: ${err.message}`);
      // API Gateway's own throttling answer; anything else is an integration failure.
      return err.code === 'TooManyRequestsException' ? gatewayAnswer(429, 'Too Many Requests') : httpApiInternalServerError();
    }
  }

  #authorize(req: HttpApiRequest, compiled: CompiledRouteTable, route: HttpRouteRecord, context: Omit<HttpEventContext, 'requestId' | 'now'>): Promise<AuthorizerOutcome> {
    const name = route.authorizer as string;
    const config = compiled.table.authorizers[name];
    if (!config) throw new Error(`route ${route.routeKey} names authorizer ${name}, which its table lacks`); // validation prevents it
    const event = buildHttpEventV2(req.facts, { ...context, requestId: req.requestId, now: this.#deps.clock() });
    if (config.type === 'jwt') return this.#deps.jwt.authorize(config, identityValue(config.identitySource, event), route.authorizationScopes);
    return this.#deps.lambda.authorize({ scope: req.scope, name, config, revision: compiled.revision, event, routeArn: routeArn(req) });
  }
}
