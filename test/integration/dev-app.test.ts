// `nimbus init http-api` then `nimbus dev`: the scaffold's SAM app (TypeScript handler and
// HttpApi route) is deployed and answers over HTTP; saving the handler changes the answer.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { nimbus } from '../helpers/cli.js';
import { startDev, type DevSession } from './dev-support.js';

describe('nimbus dev on a SAM app from nimbus init', () => {
  let root: string;
  let dir: string;
  let dev: DevSession;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'nimbus-dev-app-'));
    dir = path.join(root, 'shop');
    assert.equal((await nimbus(['init', 'http-api', dir])).code, 0);
    dev = await startDev(dir);
  });
  after(async () => {
    await dev?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('the route answers from the TypeScript handler, and an edit is served next', async () => {
    assert.match(dev.output(), /deployed app shop: \+ create function shop-hello, \+ create route GET \/hello\/\{name\} from template\.yaml/);
    const hello = await fetch(`${dev.url}/http/hello/ada`);
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { message: 'Hello, ada!', path: '/hello/ada' });

    const file = path.join(dir, 'src', 'handler.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Hello, ', 'Welcome, '));
    let body: unknown;
    for (let i = 0; i < 100; i++) {
      body = await (await fetch(`${dev.url}/http/hello/ada`)).json();
      if ((body as { message?: string }).message === 'Welcome, ada!') break;
      await sleep(50);
    }
    assert.deepEqual(body, { message: 'Welcome, ada!', path: '/hello/ada' });
    // The new code can answer before `nimbus dev` has printed its summary of the reload.
    const reloaded = /reloaded app shop: ~ update function shop-hello \(codeSha256\)/;
    for (let i = 0; i < 100 && !reloaded.test(dev.output()); i++) await sleep(50);
    assert.match(dev.output(), reloaded);
  });
});
