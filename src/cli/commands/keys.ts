// `nimbus keys`: the platform's access keys, over the admin API (/nimbus/v1/keys).
//   nimbus keys create [--account 123456789012] [--description TEXT]
//   nimbus keys list
//   nimbus keys revoke AKID [--deactivate]
// `create` prints the secret once, as export lines to paste into a shell. The first key
// is made while the platform is open (loopback, no keys yet); from then on requests must
// be signed, so run the next commands with the printed credentials.
import { adminRequest } from '../admin-request.js';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { booleanFlag, stringFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

interface KeyView {
  accessKeyId: string; account: string; description: string; status: string; createdAt: string; lastUsedAt?: string;
}

const ACCOUNT = /^\d{12}$/;
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const MAX_DESCRIPTION = 256;
const CREATE_ONLY = ['account', 'description'];

function keyId(args: readonly string[]): string {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0) throw usageError(`keys revoke takes one access key id, got ${args.length} argument(s)`);
  if (!ACCESS_KEY_ID.test(id)) throw usageError(`'${id}' is not an access key id (AKIA and 16 upper-case letters or digits)`);
  return id;
}

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'Create, list and revoke the access keys requests are signed with',
  usage: [
    'keys create [--account ACCOUNT] [--description TEXT] | list | revoke AKID [--deactivate]',
    '',
    '  create prints the new key\'s secret once, with export lines for a shell; list never shows secrets.',
    '  The first key can be created on a loopback address without credentials; once a key exists every',
    '  request must be signed, so run later commands with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.',
    '',
    'options:',
    '  --account ACCOUNT  (create) the 12-digit account the key acts in (default: your own)',
    '  --description D    (create) a note: who or what uses the key (at most 256 characters)',
    '  --deactivate       (revoke) keep the key but make it Inactive instead of deleting it',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: { ...API_OPTIONS, account: { type: 'string' }, description: { type: 'string' }, deactivate: { type: 'boolean' } },
  async run({ values, positionals, io }) {
    const [action, ...args] = positionals;
    if (action === undefined) throw usageError('missing action: create, list or revoke');
    if (!['create', 'list', 'revoke'].includes(action)) throw usageError(`unknown action '${action}': use create, list or revoke`);
    const misplaced = CREATE_ONLY.find((o) => values[o] !== undefined);
    if (action !== 'create' && misplaced !== undefined) throw usageError(`--${misplaced} goes with 'keys create'`);
    if (action !== 'revoke' && booleanFlag(values, 'deactivate')) throw usageError("--deactivate goes with 'keys revoke'");
    if (action !== 'revoke' && args.length > 0) throw usageError(`keys ${action} takes no arguments, got '${args[0] ?? ''}'`);
    const json = booleanFlag(values, 'json');

    if (action === 'create') {
      const account = stringFlag(values, 'account');
      if (account !== undefined && !ACCOUNT.test(account)) throw usageError(`--account must be 12 digits, got '${account}'`);
      const description = stringFlag(values, 'description');
      if (description !== undefined && description.length > MAX_DESCRIPTION) throw usageError(`--description must be at most ${MAX_DESCRIPTION} characters`);
      const key = (await adminRequest<KeyView & { secretAccessKey: string }>(connect(values, io.env), 'POST', '/keys', { account, description })) as KeyView & { secretAccessKey: string };
      if (json) {
        io.out(JSON.stringify(key, null, 2));
        return 0;
      }
      io.out(`created access key ${key.accessKeyId} for account ${key.account}`);
      io.out('the secret is shown only now; keep it somewhere safe:');
      io.out('');
      io.out(`export AWS_ACCESS_KEY_ID=${key.accessKeyId}`);
      io.out(`export AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
      return 0;
    }

    const api = connect(values, io.env);
    if (action === 'list') {
      const { keys } = (await adminRequest<{ keys: KeyView[] }>(api, 'GET', '/keys')) as { keys: KeyView[] };
      if (json) io.out(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) io.out('no access keys (the platform is open on loopback)');
      else for (const line of table(['ACCESS-KEY-ID', 'ACCOUNT', 'STATUS', 'CREATED', 'LAST-USED', 'DESCRIPTION'], keys.map((k) => [k.accessKeyId, k.account, k.status, k.createdAt, k.lastUsedAt ?? '-', k.description]))) io.out(line);
      return 0;
    }

    const id = keyId(args);
    if (booleanFlag(values, 'deactivate')) {
      const key = await adminRequest<KeyView>(api, 'POST', `/keys/${id}`, { status: 'Inactive' });
      if (json) io.out(JSON.stringify(key, null, 2));
      else io.out(`deactivated access key ${id} (it signs nothing until made Active again)`);
      return 0;
    }
    await adminRequest(api, 'DELETE', `/keys/${id}`);
    if (!json) io.out(`revoked access key ${id}`);
    return 0;
  },
};
