// Turns a {FunctionName} label (name, partial ARN or full ARN) into a FunctionKey in the
// caller's scope, with Lambda's cross-region rule (lambda-reference §1.3).
import { NimbusError } from '../../errors.js';
import type { FunctionKey } from '../../store/records.js';
import { mergeQualifier, parseFunctionRef } from '../../util/arn.js';
import type { ApiRequest } from '../http/types.js';

export interface ResolvedRef {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
}

export function resolveFunctionRef(req: ApiRequest, label = 'FunctionName'): ResolvedRef {
  const ref = parseFunctionRef(req.params[label] ?? '', label);
  if (ref.region !== undefined && ref.region !== req.scope.region) {
    throw new NimbusError('ResourceNotFoundException', `Functions from '${ref.region}' are not reachable in this region ('${req.scope.region}')`);
  }
  const qualifier = mergeQualifier(ref.qualifier, req.query.get('Qualifier') ?? undefined);
  return { key: { account: ref.account ?? req.scope.account, region: req.scope.region, name: ref.name }, qualifier };
}

/** Operations that act on the function itself refuse versions and aliases. */
export function requireUnqualified(ref: ResolvedRef): FunctionKey {
  if (ref.qualifier !== undefined) {
    throw new NimbusError('InvalidParameterValueException', 'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.');
  }
  return ref.key;
}
