// Wire compatibility with the official Node runtime interface client: a provided.al2023
// function whose bootstrap runs aws-lambda-ric (from npm, bundled in the zip with its native
// client, as AWS documents for custom Node images) serves a handler through the Runtime API.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invoke } from '../helpers/functions.js';
import { REPO_ROOT, startServer, type RunningServer } from '../helpers/server.js';
import { deployRuntime, executable } from './custom-runtime-support.js';

const RIC_FILES = ['package.json', 'bin/index.mjs', 'dist/index.mjs', 'dist/rapid-client.node'];

const HANDLER = `
export const handler = async (event, context) => {
  console.log('from the ric handler');
  if (event.fail) throw new RangeError('ric failure');
  return { hello: event.name, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() > 0, fn: context.functionName };
};
`;

describe('aws-lambda-ric as a custom runtime', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    const files: Record<string, Buffer | string | { content: string; mode: number }> = {
      bootstrap: executable('#!/bin/sh\nexec /usr/bin/node /var/task/node_modules/aws-lambda-ric/bin/index.mjs "$_HANDLER"\n'),
      'index.mjs': HANDLER,
    };
    for (const f of RIC_FILES) files[`node_modules/aws-lambda-ric/${f}`] = await readFile(path.join(REPO_ROOT, 'node_modules', 'aws-lambda-ric', f));
    await deployRuntime(lambda, 'ric', files, { runtime: 'provided.al2023', handler: 'index.handler', timeout: 5 });
  });
  after(async () => server.dispose());

  test('the RIC gets the invocation and posts the result', async () => {
    const { output, payload, log } = await invoke(lambda, 'ric', { name: 'ric' });
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload) + log);
    assert.deepEqual(payload, { hello: 'ric', requestId: output.$metadata.requestId, remaining: true, fn: 'ric' });
    assert.match(log, /from the ric handler/);
    assert.equal(((await invoke(lambda, 'ric', { name: 'warm' })).payload as { hello: string }).hello, 'warm');
  });

  test('a thrown error arrives in the RIC\'s error shape', async () => {
    const { output, payload } = await invoke(lambda, 'ric', { fail: true });
    assert.equal(output.FunctionError, 'Unhandled');
    const p = payload as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(p.errorType, 'RangeError');
    assert.equal(p.errorMessage, 'ric failure');
    assert.match(p.trace[0] ?? '', /^RangeError: ric failure/);
  });
});
