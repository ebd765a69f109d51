// A function calls the platform's own API with the plain AWS SDK (`new LambdaClient({})`),
// under each sandbox driver: bwrap (no network; the guest forwards 127.0.0.1:9000 to the
// platform's Unix socket) and process (the host network; the platform's TCP URL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { deploy, invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const CALLEE = 'exports.handler = async (event) => ({ callee: true, event });';

const CALLER = `const { LambdaClient, InvokeCommand, ListFunctionsCommand } = require('@aws-sdk/client-lambda');
exports.handler = async (event) => {
  const lambda = new LambdaClient({});
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'callee', Payload: Buffer.from(JSON.stringify({ from: 'caller', n: event.n })) }));
  const listed = await lambda.send(new ListFunctionsCommand({}));
  return {
    status: out.StatusCode,
    functionError: out.FunctionError ?? null,
    calleePayload: JSON.parse(Buffer.from(out.Payload).toString('utf8')),
    names: listed.Functions.map((f) => f.FunctionName).sort(),
    endpoint: process.env.AWS_ENDPOINT_URL,
    nimbusVars: Object.keys(process.env).filter((k) => k.startsWith('NIMBUS')),
  };
};`;

/** Callback style, waiting for an empty event loop: the platform connection must not hold it. */
const CALLBACK_CALLER = `const { LambdaClient, ListFunctionsCommand } = require('@aws-sdk/client-lambda');
const lambda = new LambdaClient({});
exports.handler = (event, context, callback) => {
  lambda.send(new ListFunctionsCommand({})).then((r) => callback(null, r.Functions.length), callback);
};`;

/** bwrap: the guest's forwarder in the sandbox's own network namespace; process: the platform's TCP URL. */
function expectedEndpoint(server: RunningServer): string {
  return /sandbox: bwrap/.test(server.output()) ? 'http://127.0.0.1:9000' : server.url;
}

function platformAccessSuite(label: string, args: readonly string[]): void {
  describe(`platform access from a function (${label})`, () => {
    let server: RunningServer;
    let lambda: LambdaClient;
    before(async () => {
      server = await startServer({ args });
      lambda = server.lambda();
      await deploy(lambda, 'callee', { 'index.js': CALLEE });
      await deploy(lambda, 'caller', { 'index.js': CALLER }, { timeout: 20 });
    });
    after(async () => server.dispose());

    test('a handler invokes another function and lists functions with new LambdaClient({})', async () => {
      const { output, payload, log } = await invoke(lambda, 'caller', { n: 7 });
      assert.equal(output.FunctionError, undefined, `caller failed: ${JSON.stringify(payload)}\n${log}`);
      const p = payload as Record<string, unknown>;
      assert.equal(p.status, 200);
      assert.equal(p.functionError, null);
      assert.deepEqual(p.calleePayload, { callee: true, event: { from: 'caller', n: 7 } });
      assert.deepEqual(p.names, ['callee', 'caller']);
      assert.equal(p.endpoint, expectedEndpoint(server));
      assert.deepEqual(p.nimbusVars, []);
      // Warm: the same instance calls again over its kept-alive connection.
      assert.deepEqual(((await invoke(lambda, 'caller', { n: 8 })).payload as Record<string, unknown>).calleePayload, { callee: true, event: { from: 'caller', n: 8 } });
    });

    test('a callback handler that called the platform is not held by the connection', async () => {
      await deploy(lambda, 'callback-caller', { 'index.js': CALLBACK_CALLER }, { timeout: 10 });
      // Warm invocations reuse the SDK's keep-alive socket, which Node re-labels for async_hooks.
      for (let call = 1; call <= 3; call++) {
        const started = Date.now();
        const { output, payload, log } = await invoke(lambda, 'callback-caller');
        assert.equal(output.FunctionError, undefined, `call ${call}: ${JSON.stringify(payload)}\n${log}`);
        assert.equal(payload, 3, `call ${call}`);
        assert.ok(Date.now() - started < 5000, `call ${call} answered in ${Date.now() - started} ms`);
      }
    });

    test("a function's calls land in its own account", async () => {
      const other = server.lambda({ accessKeyId: '111111111111' });
      await deploy(other, 'callee', { 'index.js': 'exports.handler = async () => "other account";' });
      await deploy(other, 'caller', { 'index.js': CALLER }, { timeout: 20 });
      const { payload, log } = await invoke(other, 'caller', { n: 1 });
      const p = payload as Record<string, unknown>;
      assert.equal(p.calleePayload, 'other account', log);
      assert.deepEqual(p.names, ['callee', 'caller']);
    });
  });
}

platformAccessSuite('default driver', []);
platformAccessSuite('process driver', ['--sandbox', 'process']);
