// `nimbus init <template>`: each scaffold type-checks against @types/aws-lambda, deploys
// with `nimbus app deploy` (its TypeScript handler bundled), and passes its own test
// against the running platform.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { nimbus } from '../helpers/cli.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const run = promisify(execFile);

/** tsc over the scaffold's own tsconfig.json. */
function typeErrors(dir: string): string[] {
  const configFile = ts.readConfigFile(path.join(dir, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, dir);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('nimbus init', () => {
  let server: RunningServer;
  let root: string;
  before(async () => {
    server = await startServer();
    // Inside the repository, so the scaffolds resolve this repository's node_modules
    // (@types/aws-lambda, the AWS SDK) as they would their own after `npm install`.
    root = await mkdtemp(path.join(REPO_ROOT, 'dist', '.init-test-'));
  });
  after(async () => {
    await server?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  // queue-worker's template asks for FunctionResponseTypes (partial batch failures), which the
  // SAM reader does not map yet: its function is deployed on its own, which its test needs.
  for (const [template, suffix, asApp] of [['http-api', 'hello', true], ['queue-worker', 'worker', false], ['cron-job', 'nightly', true], ['s3-thumbnail', 'thumbnail', true]] as const) {
    test(`${template}: scaffolds, type-checks, deploys and answers`, async () => {
      const dir = path.join(root, `my-${template}`);
      const created = await nimbus(['init', template, dir]);
      assert.equal(created.code, 0, created.stderr);
      const app = `my-${template}`;
      for (const file of ['src/handler.ts', 'template.yaml', 'package.json', 'tsconfig.json', '.gitignore', 'test/handler.test.mjs', 'test/invoke.mjs']) await access(path.join(dir, file));
      const template_ = await readFile(path.join(dir, 'template.yaml'), 'utf8');
      assert.match(template_, /Transform: AWS::Serverless-2016-10-31/);
      assert.match(template_, new RegExp(`FunctionName: ${app}-${suffix}\\n`));
      assert.equal((JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name: string }).name, app);
      assert.deepEqual(typeErrors(dir), []);

      // The SAM app as a whole: function, its trigger and resources (bucket, queue, schedule).
      const name = `${app}-${suffix}`;
      const deployed = asApp
        ? await nimbus(['app', 'deploy', dir], { NIMBUS_ENDPOINT: server.url })
        : await nimbus(['deploy', path.join(dir, 'src'), '--name', name, '--handler', 'handler.handler'], { NIMBUS_ENDPOINT: server.url });
      assert.equal(deployed.code, 0, deployed.stderr);
      assert.match(deployed.stdout, asApp ? new RegExp(`\\+ create function ${name}`) : new RegExp(`deployed ${name} created`));
      const own = await run(process.execPath, ['--test', 'test/handler.test.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', NIMBUS_ENDPOINT: server.url } }).catch((err: { stdout: string; stderr: string }) => err);
      assert.match(own.stdout, /# pass 1\n# fail 0/, own.stdout + own.stderr);
    });
  }

  test('refuses a non-empty directory and an unknown template', async () => {
    const dir = path.join(root, 'taken');
    assert.equal((await nimbus(['init', 'cron-job', dir])).code, 0);
    const again = await nimbus(['init', 'cron-job', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty/);
    const unknown = await nimbus(['init', 'grpc', dir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown template 'grpc'; one of: http-api, s3-thumbnail, queue-worker, cron-job/);
  });
});
