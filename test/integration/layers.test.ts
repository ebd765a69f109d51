// Layers through the real SDK: publish, read, list and delete versions; functions name them
// in order and find their modules at /opt (Node via /opt/nodejs/node_modules, Python via
// /opt/python), later layers replacing earlier files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteLayerVersionCommand, GetFunctionConfigurationCommand, GetLayerVersionByArnCommand, GetLayerVersionCommand, type LambdaClient,
  ListLayersCommand, ListLayerVersionsCommand, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deployRuntime, zipWithModes, type ModeFiles } from './custom-runtime-support.js';

describe('layers', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let shared = '';
  let override = '';
  const publish = async (name: string, files: ModeFiles, runtimes?: string[]): Promise<string> => {
    const out = await lambda.send(new PublishLayerVersionCommand({
      LayerName: name, Content: { ZipFile: await zipWithModes(files) }, Description: `${name} layer`,
      CompatibleRuntimes: runtimes as never, CompatibleArchitectures: ['x86_64'],
    }));
    return out.LayerVersionArn ?? '';
  };
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    shared = await publish('shared', {
      'nodejs/node_modules/greeter/index.js': 'exports.greet = (n) => `hello ${n} from v1`; exports.kind = "base";',
      'python/greeter_py.py': 'def greet(n):\n    return f"hello {n} from python layer"\n',
    }, ['nodejs20.x', 'python3.12']);
    override = await publish('override', { 'nodejs/node_modules/greeter/index.js': 'exports.greet = (n) => `hi ${n} from override`; exports.kind = "override";' }, ['nodejs20.x']);
  });
  after(async () => server.dispose());

  test('a layer provides a Node module and a Python module', async () => {
    await deployRuntime(lambda, 'node-uses-layer', { 'index.js': 'const g = require("greeter"); exports.handler = async (e) => ({ msg: g.greet(e.name), path: process.env.NODE_PATH });' },
      { runtime: 'nodejs20.x', handler: 'index.handler', layers: [shared] });
    const node = await invoke(lambda, 'node-uses-layer', { name: 'n' });
    assert.equal((node.payload as { msg: string }).msg, 'hello n from v1', JSON.stringify(node.payload));
    assert.match((node.payload as { path: string }).path, /^\/opt\/nodejs\/node_modules:/);
    await deployRuntime(lambda, 'py-uses-layer', { 'app.py': 'from greeter_py import greet\ndef handler(e, c):\n    return greet(e["name"])\n' },
      { runtime: 'python3.12', handler: 'app.handler', layers: [shared] });
    const py = await invoke(lambda, 'py-uses-layer', { name: 'p' });
    assert.equal(py.payload, 'hello p from python layer', JSON.stringify(py.payload));
  });

  test('layers stack in order: a later layer replaces an earlier one\'s file; the configuration lists them in order', async () => {
    await deployRuntime(lambda, 'stacked', { 'index.js': 'exports.handler = async () => require("greeter").kind;' }, { runtime: 'nodejs20.x', handler: 'index.handler', layers: [shared, override] });
    assert.equal((await invoke(lambda, 'stacked')).payload, 'override');
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'stacked' }));
    assert.deepEqual(config.Layers?.map((l) => l.Arn), [shared, override]);
    assert.ok((config.Layers?.[0]?.CodeSize ?? 0) > 0);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'stacked', Layers: [override, shared] }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'stacked' });
    assert.equal((await invoke(lambda, 'stacked')).payload, 'base');
  });

  test('Get, GetByArn, ListLayers (with CompatibleRuntime) and ListLayerVersions answer in Lambda\'s shapes', async () => {
    const v2 = await publish('shared', { 'nodejs/node_modules/greeter/index.js': 'exports.kind = "v2";' }, ['nodejs20.x']);
    assert.match(v2, /^arn:aws:lambda:us-east-1:\d{12}:layer:shared:2$/);
    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: 'shared', VersionNumber: 1 }));
    assert.equal(got.LayerVersionArn, shared);
    assert.equal(got.Version, 1);
    assert.deepEqual(got.CompatibleRuntimes, ['nodejs20.x', 'python3.12']);
    assert.ok(got.Content?.CodeSha256 && (got.Content.CodeSize ?? 0) > 0);
    assert.equal((await lambda.send(new GetLayerVersionByArnCommand({ Arn: shared }))).Description, 'shared layer');
    const listed = await lambda.send(new ListLayersCommand({}));
    assert.deepEqual(listed.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['override', 1], ['shared', 2]]);
    const forPython = await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'python3.12' }));
    assert.deepEqual(forPython.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['shared', 1]]);
    const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'shared' }));
    assert.deepEqual(versions.LayerVersions?.map((v) => v.Version), [2, 1]);
  });

  test('bad Layers are refused: unknown versions, more than 5, two versions of one layer; a deleted version keeps working for its functions', async () => {
    const missing = shared.replace(/:1$/, ':99');
    await assert.rejects(deployRuntime(lambda, 'bad-layer', { 'index.js': '' }, { runtime: 'nodejs20.x', handler: 'index.handler', layers: [missing] }),
      (e: Error) => e.name === 'InvalidParameterValueException' && e.message.includes('does not exist'));
    await assert.rejects(deployRuntime(lambda, 'too-many', { 'index.js': '' }, { runtime: 'nodejs20.x', handler: 'index.handler', layers: Array<string>(6).fill(shared) }),
      (e: Error) => e.name === 'InvalidParameterValueException');
    await assert.rejects(deployRuntime(lambda, 'twice', { 'index.js': '' }, { runtime: 'nodejs20.x', handler: 'index.handler', layers: [shared, shared.replace(/:1$/, ':2')] }),
      (e: Error) => e.name === 'InvalidParameterValueException');
    await assert.rejects(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad name!', Content: { ZipFile: await zipWithModes({ a: 'b' }) } })),
      (e: Error) => e.name === 'InvalidParameterValueException');
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'override', VersionNumber: 1 }));
    await assert.rejects(lambda.send(new GetLayerVersionCommand({ LayerName: 'override', VersionNumber: 1 })), (e: Error) => e.name === 'ResourceNotFoundException');
    assert.equal((await invoke(lambda, 'stacked')).payload, 'base', 'the function still runs the deleted version');
  });
});
