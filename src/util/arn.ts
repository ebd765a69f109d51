// Function names, partial ARNs and full ARNs (lambda-reference §1.3).
import { NimbusError, invalidParameter } from '../errors.js';

export interface FunctionRef {
  readonly name: string;
  readonly qualifier: string | undefined;
  readonly region: string | undefined;
  readonly account: string | undefined;
}

// The model's FunctionName pattern, with groups for the parts we use.
const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d{1}):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** Parses a FunctionName path label or body field; `field` names it in errors. */
export function parseFunctionRef(input: string, field = 'FunctionName'): FunctionRef {
  if (input.length < 1 || input.length > 140) throw invalidParameter(field, `must be 1 to 140 characters long (got ${input.length})`);
  const match = FUNCTION_REF.exec(input);
  if (!match) {
    throw invalidParameter(field, `'${input}' is not a function name or ARN; names use only letters, digits, '-' and '_'`);
  }
  const name = match[3] as string;
  if (name.length > 64) throw invalidParameter(field, `function names are at most 64 characters (got ${name.length})`);
  return { name, qualifier: match[4], region: match[1], account: match[2] };
}

/** A qualifier from the ARN and one from `?Qualifier=` must agree (recorded Lambda rule). */
export function mergeQualifier(fromRef: string | undefined, fromQuery: string | undefined): string | undefined {
  if (fromRef !== undefined && fromQuery !== undefined && fromRef !== fromQuery) {
    throw new NimbusError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
  return fromRef ?? fromQuery;
}
