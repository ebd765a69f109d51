// TypeScript handlers deployed with `nimbus deploy`: bundled with esbuild, their errors'
// stack traces in the log name the .ts file and line; @types/aws-lambda types resolve.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { nimbus } from '../helpers/cli.js';
import { logsClient, waitForLogs } from '../helpers/logs.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const HANDLER = `import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { shout } from './lib/shout';

interface Body { readonly word?: string }

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const body = JSON.parse(event.body ?? '{}') as Body;
  if (body.word === undefined) {
    throw new Error('no word given');
  }
  return { statusCode: 200, body: shout(body.word) };
};
`;
const LIB = `export function shout(word: string): string {
  if (word === 'quiet') throw new RangeError('will not shout quiet');
  return word.toUpperCase() + '!';
}
`;

/** tsc's diagnostics for one file, with 'aws-lambda' resolved from this repository's node_modules. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022, typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')], types: ['node'],
    paths: { 'aws-lambda': [path.join(REPO_ROOT, 'node_modules', '@types', 'aws-lambda')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('TypeScript handlers', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startServer();
    env = { NIMBUS_ENDPOINT: server.url };
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-ts-'));
    await mkdir(path.join(dir, 'src', 'lib'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'app.ts'), HANDLER);
    await writeFile(path.join(dir, 'src', 'lib', 'shout.ts'), LIB);
    const deployed = await nimbus(['deploy', dir, '--name', 'ts-fn', '--handler', 'src/app.handler'], env);
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(async () => {
    await server?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the bundled handler answers, across imported .ts modules', async () => {
    const out = await nimbus(['invoke', 'ts-fn', '--payload', JSON.stringify({ body: '{"word":"hi"}' })], env);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { statusCode: 200, body: 'HI!' });
  });

  test("a thrown error's stack in the log points at the .ts file and line", async () => {
    const out = await nimbus(['invoke', 'ts-fn', '--payload', '{}'], env);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /src\/app\.ts:9:\d+/, 'the invoke response trace names the .ts line too');
    const messages = await waitForLogs(logsClient(server), 'ts-fn', (m) => m.some((line) => line.includes('no word given')));
    const line = messages.find((m) => m.includes('no word given')) ?? '';
    assert.match(line, /\/var\/task\/src\/app\.ts:9:\d+/);
    assert.doesNotMatch(line, /app\.js:/);
  });

  test('frames in imported modules map to their own .ts files', async () => {
    const out = await nimbus(['invoke', 'ts-fn', '--payload', JSON.stringify({ body: '{"word":"quiet"}' })], env);
    assert.equal(out.code, 1);
    const messages = await waitForLogs(logsClient(server), 'ts-fn', (m) => m.some((line) => line.includes('will not shout quiet')));
    const line = messages.find((m) => m.includes('will not shout quiet')) ?? '';
    assert.match(line, /src\/lib\/shout\.ts:2:\d+/);
    assert.match(line, /src\/app\.ts:11:\d+/);
  });

  test('a syntax error is reported with its place, and nothing is deployed', async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), 'nimbus-ts-broken-'));
    try {
      await writeFile(path.join(broken, 'index.ts'), 'export const handler = async () => {\n  return {;\n};\n');
      const out = await nimbus(['deploy', broken, '--name', 'ts-broken'], env);
      assert.equal(out.code, 1);
      assert.match(out.stderr, /cannot bundle index\.ts:\n.*index\.ts:2:\d+/);
      assert.equal((await nimbus(['get', 'ts-broken'], env)).code, 1);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  test('@types/aws-lambda types resolve and check (esbuild itself does not type-check)', async () => {
    assert.deepEqual(typeErrors(path.join(dir, 'src', 'app.ts')), []);
    const wrong = path.join(dir, 'wrong.ts');
    await writeFile(wrong, "import type { SQSHandler } from 'aws-lambda';\nexport const handler: SQSHandler = async (event) => { console.log(event.Records[0]?.bodyy); };\n");
    assert.match(typeErrors(wrong).join('\n'), /Property 'bodyy' does not exist on type 'SQSRecord'/);
  });
});
