// examples/map-reduce runs as its README shows: the CLI deploys the three functions, run.mjs
// creates the queues and the mapping, sends a generated corpus and runs the job both ways.
// Both answers must equal a word count done here, in the test, over the same corpus.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { nimbus } from '../helpers/cli.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'map-reduce');
const CHUNKS = 24;
const WORDS = 3000;

interface Summary { job: string; chunks: number; words: number; distinct: number; top: [string, number][] }
interface RunOutput { corpus: { chunks: number }; single: { result: Summary }; mapReduce: { result: Summary } }

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(() => server.dispose());

/** The expected answer, counted here with the example's own corpus and counting rules. */
async function expected(): Promise<Omit<Summary, 'job'>> {
  const corpus = (await import(pathToFileURL(path.join(EXAMPLE, 'corpus.mjs')).href)) as { chunkText(i: number, words: number): string };
  const counts = new Map<string, number>();
  for (let i = 0; i < CHUNKS; i++) {
    for (const word of corpus.chunkText(i, WORDS).toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return { chunks: CHUNKS, words: CHUNKS * WORDS, distinct: counts.size, top };
}

test('the map-reduce example counts the corpus right, mapped and in one function', async () => {
  const deploys: [string, string[]][] = [
    ['mr-mapper', ['--handler', 'mapper.handler', '--timeout', '60']],
    ['mr-reducer', ['--handler', 'reducer.handler', '--timeout', '300', '--memory', '512']],
    ['mr-single', ['--handler', 'single.handler', '--timeout', '300', '--memory', '512']],
  ];
  for (const [name, flags] of deploys) {
    const deployed = await nimbus(['deploy', path.join(EXAMPLE, 'functions'), '--name', name, ...flags, '--endpoint', server.url]);
    assert.equal(deployed.code, 0, deployed.stderr);
  }
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(EXAMPLE, 'run.mjs'), '--chunks', String(CHUNKS), '--words', String(WORDS), '--passes', '2', '--json'], {
    env: {
      PATH: process.env.PATH ?? '', AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    timeout: 60_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as RunOutput;
  const want = await expected();
  const { job: _mapped, ...mapped } = out.mapReduce.result;
  const { job: _single, ...single } = out.single.result;
  assert.deepEqual(mapped, want);
  assert.deepEqual(single, want);
});
