import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { NimbusError } from '../../src/errors.js';

test('defaults apply when nothing is given', () => {
  const config = loadConfig({ cwd: '/srv/app' });
  assert.equal(config.port, 9000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, '/srv/app/.nimbus');
  assert.equal(config.store, '');
  assert.ok(Object.isFrozen(config));
});

test('flags beat NIMBUS_* variables, which beat the config file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nimbus-config-'));
  const file = path.join(dir, 'nimbus.json');
  writeFileSync(file, JSON.stringify({ port: 1000, host: '0.0.0.0', region: 'eu-west-1' }));
  const config = loadConfig({ flags: { port: '3000' }, env: { NIMBUS_PORT: '2000', NIMBUS_HOST: '127.0.0.2' }, configFile: file, cwd: dir });
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.2');
  assert.equal(config.region, 'eu-west-1');
});

test('a bad value names the key as the user wrote it', () => {
  const fails = (sources: Parameters<typeof loadConfig>[0], message: RegExp): void =>
    assert.throws(() => loadConfig(sources), (err: unknown) => err instanceof NimbusError && err.code === 'ConfigInvalid' && message.test(err.message));
  fails({ flags: { port: 'x' } }, /--port/);
  fails({ env: { NIMBUS_KEEP_ALIVE_SECONDS: '0' } }, /NIMBUS_KEEP_ALIVE_SECONDS/);
  fails({ flags: { account: '12' } }, /--account: must be 12 digits/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nimbus-config-'));
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ prot: 1 }));
  fails({ configFile: path.join(dir, 'bad.json') }, /prot.*not a known configuration key/);
  writeFileSync(path.join(dir, 'broken.json'), '{');
  fails({ configFile: path.join(dir, 'broken.json') }, /not valid JSON/);
});
