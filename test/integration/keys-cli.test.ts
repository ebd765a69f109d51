// `nimbus keys` against a real server: create prints the key and its secret once (as
// export lines), list shows keys without secrets, revoke deactivates or deletes, bad
// command lines exit 2. And the bind refusal: a fresh install will not serve a
// non-loopback address unauthenticated unless told to (--allow-unauthenticated, loudly).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { nimbus } from '../helpers/cli.js';
import { makeDataDir, startServer, type RunningServer } from '../helpers/server.js';

describe('nimbus keys', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ args: ['--pool-size', '0'] });
  });
  after(() => server.dispose());

  const keys = (args: string[], env: Record<string, string> = {}): ReturnType<typeof nimbus> =>
    nimbus(['keys', ...args, '--endpoint', server.url], env);

  test('admin commands sign their requests, which an open platform accepts whatever the credentials', async () => {
    const events = await nimbus(['events', '--endpoint', server.url], { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /no events/);
    const listed = await keys(['list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /no access keys/);
  });

  test('create prints the key once as export lines; list shows it without the secret; revoke deactivates, then deletes', async () => {
    const created = await keys(['create', '--description', 'ci deploys']);
    assert.equal(created.code, 0, created.stderr);
    const id = /^export AWS_ACCESS_KEY_ID=(AKIA[A-Z0-9]{16})$/m.exec(created.stdout)?.[1];
    const secret = /^export AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(id !== undefined && secret !== undefined, created.stdout);
    assert.equal(secret.length, 40);
    assert.match(created.stdout, /for account 000000000000/);
    // From here the platform may enforce signatures: sign with the new key, as a user would.
    const env = { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret };

    const listed = await keys(['list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\s+000000000000\\s+Active\\s+\\S+\\s+\\S+\\s+ci deploys`));
    assert.ok(!listed.stdout.includes(secret), 'list must not show the secret');
    const json = await keys(['list', '--json'], env);
    const views = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(views.map((k) => k.accessKeyId), [id]);
    assert.ok(!json.stdout.includes(secret) && !('secretAccessKey' in (views[0] ?? {})));

    const second = await keys(['create', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    const other = JSON.parse(second.stdout) as { accessKeyId: string; secretAccessKey: string; account: string };
    assert.match(other.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(other.secretAccessKey.length, 40);
    assert.notEqual(other.accessKeyId, id);

    const deactivated = await keys(['revoke', other.accessKeyId, '--deactivate'], env);
    assert.equal(deactivated.code, 0, deactivated.stderr);
    assert.match((await keys(['list'], env)).stdout, new RegExp(`${other.accessKeyId}\\s+000000000000\\s+Inactive`));
    const revoked = await keys(['revoke', other.accessKeyId], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked access key ${other.accessKeyId}`));
    assert.ok(!(await keys(['list'], env)).stdout.includes(other.accessKeyId));
    const again = await keys(['revoke', other.accessKeyId], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ResourceNotFoundException: No access key/);

    const last = await keys(['revoke', id], env);
    assert.equal(last.code, 0, last.stderr);
    assert.match((await keys(['list'])).stdout, /no access keys/);
  });

  test('bad command lines exit 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing action: create, list or revoke/],
      [['rotate'], /unknown action 'rotate'/],
      [['create', '--account', '12345'], /--account must be 12 digits, got '12345'/],
      [['create', '--description', 'x'.repeat(257)], /--description must be at most 256 characters/],
      [['create', '--bogus'], /unknown option '--bogus' for 'nimbus keys'/],
      [['list', '--account', '123456789012'], /--account goes with 'keys create'/],
      [['list', '--deactivate'], /--deactivate goes with 'keys revoke'/],
      [['revoke'], /keys revoke takes one access key id/],
      [['revoke', 'not-a-key'], /'not-a-key' is not an access key id/],
    ];
    for (const [args, message] of cases) {
      const result = await keys(args);
      assert.equal(result.code, 2, `keys ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /usage: nimbus keys/);
    }
  });
});

const secretOf = (id: string): string => `${id}${'s'.repeat(20)}`;

/** A data dir whose store already holds these keys (as another node or an earlier run made them). */
async function dataDirWithKeys(keys: readonly { id: string; account: string }[]): Promise<string> {
  const dataDir = await makeDataDir();
  const store = createSqliteStore(path.join(dataDir, 'nimbus.db'));
  for (const { id, account } of keys) {
    await store.accessKeys.create({
      accessKeyId: id, secretAccessKey: secretOf(id), account, description: '', status: 'Active', createdAt: Date.now(), lastUsedAt: undefined,
    });
  }
  await store.close();
  return dataDir;
}

describe('nimbus keys once keys exist (enforced)', () => {
  const mine = 'AKIAMINEMINEMINEMINE';
  const theirs = 'AKIATHEIRSTHEIRSTHEI';
  let server: RunningServer;
  before(async () => {
    const dataDir = await dataDirWithKeys([{ id: mine, account: '222222222222' }, { id: theirs, account: '333333333333' }]);
    server = await startServer({ dataDir, args: ['--pool-size', '0'] });
  });
  after(() => server.dispose());

  const as = (id: string, args: string[]): ReturnType<typeof nimbus> =>
    nimbus(['keys', ...args, '--endpoint', server.url], { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secretOf(id) });

  test('a caller sees and manages only its own account\'s keys', async () => {
    const listed = await as(mine, ['list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(mine));
    assert.doesNotMatch(listed.stdout, new RegExp(theirs));

    const foreign = await as(mine, ['create', '--account', '333333333333']);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /AccessDeniedException: You may create keys for your own account \(222222222222\) only/);
    const own = await as(mine, ['create', '--json']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal((JSON.parse(own.stdout) as { account: string }).account, '222222222222');

    for (const args of [['revoke', theirs], ['revoke', theirs, '--deactivate']]) {
      const refused = await as(mine, args);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /ResourceNotFoundException: No access key/);
    }
    const theirList = await as(theirs, ['list']);
    assert.match(theirList.stdout, new RegExp(`${theirs}\\s+333333333333\\s+Active`));
    assert.doesNotMatch(theirList.stdout, new RegExp(mine));
  });
});

describe('binding a non-loopback address', () => {
  test('a fresh data dir is refused with exit 2, naming `nimbus keys create` and --allow-unauthenticated', async () => {
    const dataDir = await makeDataDir();
    try {
      const refused = await nimbus(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--pool-size', '0']);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /refusing to serve 0\.0\.0\.0 without authentication/);
      assert.match(refused.stderr, /nimbus keys create/);
      assert.match(refused.stderr, /--allow-unauthenticated/);
      assert.doesNotMatch(refused.stdout, /listening on/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('--allow-unauthenticated starts it with a loud warning', async () => {
    const server = await startServer({ args: ['--host', '0.0.0.0', '--pool-size', '0', '--allow-unauthenticated'] });
    try {
      assert.match(server.output(), /WARNING: serving 0\.0\.0\.0 WITHOUT AUTHENTICATION/);
    } finally {
      await server.dispose();
    }
  });

  test('a data dir that holds a key starts without the flag and without the warning', async () => {
    const dataDir = await dataDirWithKeys([{ id: 'AKIAAAAAAAAAAAAAAAAA', account: '000000000000' }]);
    const server = await startServer({ dataDir, args: ['--host', '0.0.0.0', '--pool-size', '0'] });
    try {
      assert.doesNotMatch(server.output(), /WARNING/);
    } finally {
      await server.dispose();
    }
  });
});
