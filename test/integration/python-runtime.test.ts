// python3.x functions: the built-in bootstrap (runtimes/python/) gives handlers Lambda's
// Python contract — module.function, the event, the context object, logging — and reports
// failures in Lambda's Python error shape.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deployRuntime } from './custom-runtime-support.js';

const APP = `
import logging, os, sys
from helpers.greet import greeting

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    logger.info("handling %s", event.get("name"))
    print("printed line")
    if event.get("fail"):
        raise ValueError("bad input: " + event["fail"])
    return {
        "greeting": greeting(event.get("name", "world")),
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 3000,
        "log_group": context.log_group_name,
        "client_context": context.client_context.custom if context.client_context else None,
        "execution_env": os.environ.get("AWS_EXECUTION_ENV"),
        "python": sys.version_info.major,
    }

def unserializable(event, context):
    return {"s": {1, 2}}
`;

describe('python runtime', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deployRuntime(lambda, 'py', { 'app.py': APP, 'helpers/__init__.py': '', 'helpers/greet.py': 'def greeting(n):\n    return f"hello {n}"\n' }, { runtime: 'python3.12', handler: 'app.handler', timeout: 3 });
  });
  after(async () => server.dispose());

  test('a handler gets the event and the Lambda context, and its logs carry the request id', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'a' } })).toString('base64');
    const { output, payload, log } = await invoke(lambda, 'py', { name: 'py' }, { clientContext });
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    const p = payload as Record<string, unknown>;
    assert.equal(p['greeting'], 'hello py');
    assert.equal(p['request_id'], output.$metadata.requestId);
    assert.equal(p['function_name'], 'py');
    assert.equal(p['memory'], 128);
    assert.match(String(p['arn']), /:function:py$/);
    assert.equal(p['remaining_ok'], true);
    assert.equal(p['log_group'], '/aws/lambda/py');
    assert.deepEqual(p['client_context'], { tenant: 'a' });
    assert.equal(p['execution_env'], 'AWS_Lambda_python3.12');
    assert.equal(p['python'], 3);
    assert.match(log, new RegExp(`\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${String(p['request_id'])}\\thandling py`));
    assert.match(log, /printed line/);
  });

  test('a raised exception is Unhandled with {errorMessage, errorType, requestId, stackTrace}; the next call works', async () => {
    const { output, payload, log } = await invoke(lambda, 'py', { fail: 'x' });
    assert.equal(output.FunctionError, 'Unhandled');
    const p = payload as { errorMessage: string; errorType: string; requestId: string; stackTrace: string[] };
    assert.deepEqual(Object.keys(p), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(p.errorMessage, 'bad input: x');
    assert.equal(p.errorType, 'ValueError');
    assert.equal(p.requestId, output.$metadata.requestId);
    assert.match(p.stackTrace.at(-1) ?? '', /File "\/var\/task\/app\.py", line \d+, in handler/);
    assert.match(log, /\[ERROR\] ValueError: bad input: x/);
    assert.equal((await invoke(lambda, 'py', { name: 'again' })).output.FunctionError, undefined);
  });

  test('an unserializable result is Runtime.MarshalError; a missing module is Runtime.ImportModuleError at init', async () => {
    await deployRuntime(lambda, 'py-marshal', { 'app.py': APP, 'helpers/__init__.py': '', 'helpers/greet.py': 'def greeting(n):\n    return n\n' }, { runtime: 'python3.11', handler: 'app.unserializable' });
    const marshal = await invoke(lambda, 'py-marshal');
    assert.equal((marshal.payload as { errorType: string }).errorType, 'Runtime.MarshalError');
    await deployRuntime(lambda, 'py-missing', { 'app.py': 'x = 1\n' }, { runtime: 'python3.12', handler: 'nowhere.handler' });
    const missing = await invoke(lambda, 'py-missing');
    assert.equal(missing.output.FunctionError, 'Unhandled');
    assert.deepEqual(missing.payload, { errorMessage: "Unable to import module 'nowhere': No module named 'nowhere'", errorType: 'Runtime.ImportModuleError', stackTrace: [] });
  });
});
