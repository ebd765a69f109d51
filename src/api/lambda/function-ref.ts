// Turns a {FunctionName} label (name, partial ARN or full ARN) into a FunctionKey in the
// caller's scope, with Lambda's cross-region rule (lambda-reference §1.3), and the
// qualifier from the ARN or `?Qualifier=` (both given: they must agree).
import { validationError } from '../../control/functions/qualifiers.js';
import { NimbusError } from '../../errors.js';
import type { FunctionKey } from '../../store/records.js';
import { mergeQualifier, parseFunctionRef } from '../../util/arn.js';
import type { ApiRequest } from '../http/types.js';

/** The model's Qualifier: empty (none) or up to 128 of these characters. */
const QUALIFIER = /^[a-zA-Z0-9$_-]{0,128}$/;

export interface ResolvedRef {
  readonly key: FunctionKey;
  readonly qualifier: string | undefined;
}

export function resolveFunctionRef(req: ApiRequest, label = 'FunctionName'): ResolvedRef {
  const ref = parseFunctionRef(req.params[label] ?? '', label);
  if (ref.region !== undefined && ref.region !== req.scope.region) {
    throw new NimbusError('ResourceNotFoundException', `Functions from '${ref.region}' are not reachable in this region ('${req.scope.region}')`);
  }
  const asked = req.query.get('Qualifier') ?? undefined;
  if (asked !== undefined && !QUALIFIER.test(asked)) {
    throw validationError(asked, 'qualifier', 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  const qualifier = mergeQualifier(ref.qualifier, asked === '' ? undefined : asked);
  return { key: { account: ownAccount(ref.account, req), region: req.scope.region, name: ref.name }, qualifier };
}

/** The caller's account; an ARN naming another one is refused (no resource policies here). */
export function ownAccount(arnAccount: string | undefined, req: ApiRequest): string {
  if (arnAccount !== undefined && arnAccount !== req.scope.account) {
    throw new NimbusError('AccessDeniedException', `The caller's account ${req.scope.account} is not authorized to act on functions of account ${arnAccount}.`);
  }
  return req.scope.account;
}

/** Operations that act on the function itself refuse versions and aliases. */
export function requireUnqualified(ref: ResolvedRef): FunctionKey {
  if (ref.qualifier !== undefined) {
    throw new NimbusError('InvalidParameterValueException', 'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.');
  }
  return ref.key;
}
