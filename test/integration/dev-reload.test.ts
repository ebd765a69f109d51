// `nimbus dev`: a saved change is what the next call runs, within a second of the save;
// a call in flight finishes on the code it started with; a broken save keeps the last good code.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startDev, type DevSession } from './dev-support.js';

const source = (version: string): string => `const VERSION: string = '${version}';

export const handler = async (event: { waitMs?: number }): Promise<string> => {
  if (event.waitMs) await new Promise((resolve) => setTimeout(resolve, event.waitMs));
  return VERSION;
};
`;

describe('nimbus dev reloads', () => {
  let dir: string;
  let dev: DevSession;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-dev-fn-'));
    await writeFile(path.join(dir, 'index.ts'), source('v1'));
    dev = await startDev(dir, ['--name', 'devfn']);
  });
  after(async () => {
    await dev?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the first deploy serves the TypeScript handler', async () => {
    assert.match(dev.output(), /deployed devfn \(handler index\.handler\)/);
    assert.equal(await dev.invoke('devfn'), 'v1');
  });

  test('an edit changes the next response within 1 s; the call in flight finishes on the old code', async () => {
    const inFlight = dev.invoke('devfn', { waitMs: 1500 });
    await sleep(200); // it is running on the v1 instance
    const mark = dev.output().length;
    const edited = Date.now();
    await writeFile(path.join(dir, 'index.ts'), source('v2'));
    let answer: unknown;
    while (Date.now() - edited < 1000) {
      answer = await dev.invoke('devfn');
      if (answer === 'v2') break;
      await sleep(50);
    }
    const took = Date.now() - edited;
    assert.equal(answer, 'v2', `still '${String(answer)}' 1 s after the edit:\n${dev.output().slice(mark)}`);
    assert.ok(took < 1000, `took ${took} ms`);
    assert.equal(await inFlight, 'v1');
    await dev.waitFor(/reloaded devfn in \d+ ms \(index\.ts\)/, 5000, mark);
  });

  test('a save that does not compile is reported and the last good code keeps serving', async () => {
    const mark = dev.output().length;
    await writeFile(path.join(dir, 'index.ts'), 'export const handler = async () => {\n  return {;\n};\n');
    const failed = await dev.waitFor(/reload failed: (.*)/, 5000, mark);
    assert.match(failed[1] ?? '', /cannot bundle index\.ts/);
    assert.equal(await dev.invoke('devfn'), 'v2');
    await writeFile(path.join(dir, 'index.ts'), source('v3'));
    await dev.waitFor(/reloaded devfn/, 5000, mark);
    assert.equal(await dev.invoke('devfn'), 'v3');
  });
});
