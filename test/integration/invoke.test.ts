// Synchronous Invoke through the real SDK: handler styles, context, environment, logs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/functions.js';

describe('Invoke via @aws-sdk/client-lambda', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('a CommonJS async handler returns its payload', async () => {
    await deploy(lambda, 'cjs', { 'index.js': 'exports.handler = async (event) => ({ doubled: event.n * 2 });' });
    const { output, payload } = await invoke(lambda, 'cjs', { n: 21 });
    assert.equal(output.StatusCode, 200);
    assert.equal(output.FunctionError, undefined);
    assert.equal(output.ExecutedVersion, '$LATEST');
    assert.deepEqual(payload, { doubled: 42 });
  });

  test('an ES module handler (.mjs) and a type:module package (.js) with top-level await', async () => {
    await deploy(lambda, 'esm', { 'app.mjs': 'const base = await Promise.resolve(100);\nexport const handler = async (e) => base + e.n;' }, { handler: 'app.handler' });
    assert.equal((await invoke(lambda, 'esm', { n: 1 })).payload, 101);
    await deploy(lambda, 'esm-pkg', { 'package.json': '{"type":"module"}', 'src/fn.js': 'export async function main(e) { return { esm: true, e }; }' }, { handler: 'src/fn.main' });
    assert.deepEqual((await invoke(lambda, 'esm-pkg', { a: 1 })).payload, { esm: true, e: { a: 1 } });
  });

  test('a callback handler; undefined becomes null', async () => {
    await deploy(lambda, 'callback', { 'index.js': 'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { via: "callback" }), 5); };' });
    assert.deepEqual((await invoke(lambda, 'callback')).payload, { via: 'callback' });
    await deploy(lambda, 'nothing', { 'index.js': 'exports.handler = async () => undefined;' });
    assert.equal((await invoke(lambda, 'nothing')).payload, null);
  });

  test('context and environment are as Lambda documents them', async () => {
    await deploy(lambda, 'introspect', {
      'index.js': `exports.handler = async (event, context) => ({
        functionName: context.functionName, functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId, logGroupName: context.logGroupName,
        logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(), clientContext: context.clientContext,
        waits: context.callbackWaitsForEmptyEventLoop,
        env: process.env, cwd: process.cwd() });`,
    }, { memorySize: 256, timeout: 7, environment: { MY_SETTING: 'on' } });
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'a' } })).toString('base64');
    const { output, payload } = await invoke(lambda, 'introspect', {}, { clientContext });
    const p = payload as Record<string, unknown> & { env: Record<string, string> };
    assert.equal(p.functionName, 'introspect');
    assert.equal(p.functionVersion, '$LATEST');
    assert.equal(p.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:introspect');
    assert.equal(p.memoryLimitInMB, '256');
    assert.equal(p.awsRequestId, output.$metadata.requestId);
    assert.equal(p.logGroupName, '/aws/lambda/introspect');
    assert.match(String(p.logStreamName), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(Number(p.remaining) > 5000 && Number(p.remaining) <= 7000, `remaining ${String(p.remaining)}`);
    assert.deepEqual(p.clientContext, { custom: { tenant: 'a' } });
    assert.equal(p.waits, true);
    const env = p.env;
    assert.equal(env.MY_SETTING, 'on');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'introspect');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env._HANDLER, 'index.handler');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/introspect');
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, p.logStreamName);
    assert.equal(env.LAMBDA_TASK_ROOT, p.cwd);
    assert.equal(env.TZ, ':UTC');
    assert.equal(env.NODE_EXTRA_CA_CERTS, undefined, 'never the platform environment');
    assert.equal(env.NIMBUS_DATA_DIR, undefined);
  });

  test('console lines carry the request id and Tail returns START … END … REPORT', async () => {
    await deploy(lambda, 'logger', { 'index.js': 'exports.handler = async (e) => { console.log("hello", e.who); console.error("bad thing"); console.warn({ a: 1 }); return 1; };' });
    const first = await invoke(lambda, 'logger', { who: 'you' });
    const id = first.output.$metadata.requestId ?? '';
    const lines = first.log.replace(/\n$/, '').split('\n');
    assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`);
    assert.match(lines[1] ?? '', new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\thello you$`));
    assert.match(lines[2] ?? '', new RegExp(`\\t${id}\\tERROR\\tbad thing$`));
    assert.match(lines[3] ?? '', new RegExp(`\\t${id}\\tWARN\\t\\{ a: 1 \\}$`));
    assert.equal(lines[4], `END RequestId: ${id}`);
    assert.match(lines[5] ?? '', new RegExp(`^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t$`));
    const second = await invoke(lambda, 'logger', { who: 'again' });
    assert.doesNotMatch(second.log, /Init Duration/, 'a warm invoke has no Init Duration');
  });

  test('DryRun answers 204 for an existing function and 404 for a missing one', async () => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: 'cjs', InvocationType: 'DryRun' }));
    assert.equal(res.StatusCode, 204);
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'missing-fn' })), { name: 'ResourceNotFoundException' });
  });

  test('bad invoke input gets Lambda errors', async () => {
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'cjs', Payload: Buffer.from('{nope') })), { name: 'InvalidRequestContentException' });
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'cjs', Payload: Buffer.alloc(6 * 1024 * 1024 + 10, 32) })), { name: 'RequestTooLargeException' });
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'cjs', InvocationType: 'Event', Payload: Buffer.alloc(1024 * 1024 + 10, 32) })), { name: 'RequestTooLargeException' });
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'cjs', InvocationType: 'Bogus' as 'Event' })), (err: Error) => err.name === 'InvalidParameterValueException' && /X-Amz-Invocation-Type/.test(err.message));
  });
});
