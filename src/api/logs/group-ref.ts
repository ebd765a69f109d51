// Which log group a request means: `logGroupName`, or `logGroupIdentifier` (a name or a
// log group ARN), exactly one of them. Groups live in the request's account and region
// (`req.scope`), as a real Logs endpoint serves one region of one account.
import type { LogRepository } from '../../store/ports.js';
import type { Scope } from '../../store/records.js';
import { invalidParameter } from './errors.js';
import { checkLength } from './wire.js';

export interface LogGroupRef extends Scope {
  readonly logGroup: string;
}

const GROUP_ARN = /^arn:aws[a-zA-Z-]*:logs:([^:]*):(\d{12}):log-group:([^:]+)(?::\*)?$/;

/** `arn:aws:logs:{region}:{account}:log-group:{name}` — logGroupArn; `arn` adds `:*`. */
export function logGroupArn(scope: Scope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.account}:log-group:${name}`;
}

export function logStreamArn(scope: Scope, group: string, stream: string): string {
  return `${logGroupArn(scope, group)}:log-stream:${stream}`;
}

export function resolveLogGroup(scope: Scope, body: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined }): LogGroupRef {
  const { logGroupName: name, logGroupIdentifier: identifier } = body;
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name === undefined && identifier === undefined) {
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  }
  checkLength('logGroupName', name, 1, 512);
  checkLength('logGroupIdentifier', identifier, 1, 2048);
  if (name !== undefined) return { ...scope, logGroup: name };
  const arn = GROUP_ARN.exec(identifier as string);
  if (!arn) return { ...scope, logGroup: identifier as string };
  const [, region, account, group] = arn as unknown as [string, string, string, string];
  if (region !== scope.region || account !== scope.account) {
    throw invalidParameter(`logGroupIdentifier ${identifier as string} is in account ${account}, region ${region}, but this request is signed for account ${scope.account}, region ${scope.region}.`);
  }
  return { ...scope, logGroup: group };
}

/** A group exists while it has lines. */
export async function groupExists(logs: LogRepository, group: LogGroupRef): Promise<boolean> {
  // query() walks the (account, region, log_group, id) index: one row answers.
  return (await logs.query({ ...group, limit: 1 })).length > 0;
}
