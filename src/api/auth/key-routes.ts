// Access keys over the admin API (errors in its, i.e. Lambda's, shape):
//   POST   /nimbus/v1/keys        {account?, description?} → 201 the key WITH its secret (the only time it is shown)
//   GET    /nimbus/v1/keys        → {keys: [...]} without secrets
//   POST   /nimbus/v1/keys/{id}   {status: Active|Inactive} → the key without its secret
//   DELETE /nimbus/v1/keys/{id}   → 204
// While no key exists (open mode, loopback only) anyone may create one: that is how an
// install bootstraps. Once one exists the authenticator has checked the signature (or
// session) and set req.scope.account to the key's account, and a caller may only see and
// manage keys of that account; another account's key answers as if it did not exist.
import { NimbusError } from '../../errors.js';
import type { KeyService } from '../../auth/key-service.js';
import type { AccessKeyRecord, AccessKeyStatus } from '../../store/access-key-ports.js';
import type { ApiRequest, Route } from '../http/types.js';

const STATUSES: readonly AccessKeyStatus[] = ['Active', 'Inactive'];

/** A key as listed: everything but the secret. */
export function keyView(key: AccessKeyRecord): Record<string, unknown> {
  return {
    accessKeyId: key.accessKeyId, account: key.account, description: key.description, status: key.status,
    createdAt: new Date(key.createdAt).toISOString(), lastUsedAt: key.lastUsedAt === undefined ? undefined : new Date(key.lastUsedAt).toISOString(),
  };
}

function jsonBody(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new NimbusError('InvalidRequestContentException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new NimbusError('InvalidRequestContentException', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new NimbusError('InvalidParameterValueException', `${field}: must be a string`);
  return value;
}

export function keyRoutes(keys: KeyService): Route[] {
  /** The account the caller may manage keys of; undefined while open (any account). */
  const callerAccount = async (req: ApiRequest): Promise<string | undefined> => ((await keys.keysExist()) ? req.scope.account : undefined);
  /** The key if the caller may manage it, else NotFound (another account's keys do not show). */
  const ownKey = async (req: ApiRequest): Promise<AccessKeyRecord> => {
    const id = req.params.id ?? '';
    const key = await keys.get(id);
    const account = await callerAccount(req);
    if (key === undefined || (account !== undefined && key.account !== account)) {
      throw new NimbusError('ResourceNotFoundException', `No access key ${id}.`);
    }
    return key;
  };
  return [
    {
      method: 'POST', path: '/nimbus/v1/keys', maxBodyBytes: 4096,
      async handle(req) {
        const body = jsonBody(req);
        const caller = await callerAccount(req);
        const account = optionalString(body, 'account') ?? caller ?? req.scope.account;
        if (caller !== undefined && account !== caller) {
          throw new NimbusError('AccessDeniedException', `You may create keys for your own account (${caller}) only, not ${account}.`);
        }
        const key = await keys.create(account, optionalString(body, 'description') ?? '');
        return { status: 201, headers: { 'cache-control': 'no-store' }, body: { ...keyView(key), secretAccessKey: key.secretAccessKey } };
      },
    },
    {
      method: 'GET', path: '/nimbus/v1/keys', maxBodyBytes: 0,
      async handle(req) {
        return { status: 200, body: { keys: (await keys.list(await callerAccount(req))).map(keyView) } };
      },
    },
    {
      method: 'POST', path: '/nimbus/v1/keys/:id', maxBodyBytes: 4096,
      async handle(req) {
        const status = optionalString(jsonBody(req), 'status');
        if (status === undefined || !(STATUSES as readonly string[]).includes(status)) {
          throw new NimbusError('InvalidParameterValueException', `status: must be one of ${STATUSES.join(', ')}`);
        }
        const key = await ownKey(req);
        await keys.setStatus(key.accessKeyId, status as AccessKeyStatus);
        return { status: 200, body: keyView({ ...key, status: status as AccessKeyStatus }) };
      },
    },
    {
      method: 'DELETE', path: '/nimbus/v1/keys/:id', maxBodyBytes: 0,
      async handle(req) {
        const key = await ownKey(req);
        if (!(await keys.revoke(key.accessKeyId))) throw new NimbusError('ResourceNotFoundException', `No access key ${key.accessKeyId}.`);
        return { status: 204 };
      },
    },
  ];
}
