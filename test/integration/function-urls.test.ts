// Function URLs end to end against a real `nimbus serve`: the config API through
// @aws-sdk/client-lambda, and the URLs themselves through real HTTP (fetch, node:http, curl).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  CreateFunctionUrlConfigCommand, DeleteFunctionCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand, UpdateFunctionUrlConfigCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { crc32 } from '../../src/util/crc32.js';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const run = promisify(execFile);
const AKID = 'AKIDNIMBUSTEST';
const SECRET = 'nimbus/test+secret';
const URL_PATTERN = /^http:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:(\d+)\/$/;

const ECHO = 'exports.handler = async (event) => event;';
const RESPOND = `exports.handler = async (event) => {
  const c = (event.queryStringParameters || {}).case;
  if (c === 'full') return { statusCode: 201, headers: { 'x-custom': 'v', 'content-type': 'text/plain', 'x-number': 5 }, cookies: ['a=1; Path=/', 'b=2'], body: 'created' };
  if (c === 'no-type') return { statusCode: 200, body: 'x' };
  if (c === 'b64') return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
  if (c === 'string') return 'hello';
  if (c === 'object') return { hello: 'world' };
  if (c === 'array') return ['hello', 3, true];
  if (c === 'throw') throw new Error('boom');
  if (c === 'bad-header') return { statusCode: 200, headers: { 'x-bad': 'a\\nb' }, body: 'x' };
  if (c === 'cors') return { statusCode: 200, headers: { 'access-control-allow-origin': '*', 'x-custom': 'v' }, body: 'ok' };
  if (event.requestContext.http.method === 'OPTIONS') return { statusCode: 500, body: 'the function ran for a preflight' };
  return { statusCode: 200, body: 'default' };
};`;
const BINARY = `exports.handler = async (e) => ({
  statusCode: 200,
  headers: { 'content-type': e.headers['content-type'], 'x-was-base64': String(e.isBase64Encoded) },
  body: e.isBase64Encoded ? e.body : Buffer.from(e.body || '').toString('base64'),
  isBase64Encoded: true,
});`;

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly reusedSocket: boolean;
}

/** node:http, for what fetch cannot do: a Host header, repeated request headers, socket reuse. */
function request(url: string, options: http.RequestOptions = {}, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A valid 4×4 RGBA PNG whose pixels cover every byte value range (not UTF-8). */
function makePng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.concat(Array.from({ length: 4 }, (_, y) => Buffer.from([0, ...Array.from({ length: 16 }, (_, i) => (y * 67 + i * 16 + 0x80) & 0xff)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function signer(secret = SECRET): SignatureV4 {
  return new SignatureV4({ service: 'lambda', region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: secret }, sha256: Hash.bind(null, 'sha256') });
}

/** Signs a request to the platform with the SDK's signer, as a client of an AWS_IAM URL does. */
async function signedFetch(target: URL, init: { method: string; body?: string; secret?: string; signingDate?: Date; tamper?: (h: Record<string, string>) => void }): Promise<Response> {
  const query: Record<string, string> = {};
  target.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer(init.secret).sign({
    method: init.method, protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, query,
    headers: { host: target.host, 'content-type': 'application/json' }, body: init.body,
  }, { signingDate: init.signingDate });
  const headers = { ...signed.headers };
  delete headers.host; // fetch sets it (to the same value)
  init.tamper?.(headers);
  return fetch(target, { method: init.method, headers, body: init.body });
}

describe('function URLs', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let base: string;
  let port: string;
  const urlIds: Record<string, string> = {};

  async function urlFor(name: string, extra: Partial<ConstructorParameters<typeof CreateFunctionUrlConfigCommand>[0]> = {}): Promise<string> {
    const out = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE', ...extra }));
    const id = URL_PATTERN.exec(out.FunctionUrl ?? '')?.[1];
    assert.ok(id, `FunctionUrl ${out.FunctionUrl}`);
    urlIds[name] = id;
    return id;
  }

  before(async () => {
    server = await startServer({ args: ['--iam-credentials', `${AKID}:${SECRET}`] });
    lambda = server.lambda();
    base = server.url;
    port = new URL(base).port;
    await Promise.all([
      deploy(lambda, 'echo', { 'index.js': ECHO }),
      deploy(lambda, 'respond', { 'index.js': RESPOND }),
      deploy(lambda, 'binary', { 'index.js': BINARY }),
      deploy(lambda, 'slow', { 'index.js': 'exports.handler = () => new Promise((r) => setTimeout(() => r("late"), 3000));' }, { timeout: 1 }),
      deploy(lambda, 'private', { 'index.js': ECHO }),
      deploy(lambda, 'crud', { 'index.js': ECHO }),
    ]);
    await urlFor('echo');
    await urlFor('respond', { Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'post'], AllowHeaders: ['x-token'], ExposeHeaders: ['x-custom'], MaxAge: 300, AllowCredentials: true } });
    await urlFor('binary');
    await urlFor('slow');
    await urlFor('private', { AuthType: 'AWS_IAM' });
  });
  after(async () => server.dispose());

  test('Create, Get, Update, List and Delete through the SDK; the URL id is stable', async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'crud', AuthType: 'NONE', Cors: { AllowOrigins: ['*'], MaxAge: 10 } }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    const match = URL_PATTERN.exec(created.FunctionUrl ?? '');
    assert.ok(match, created.FunctionUrl);
    assert.equal(match[2], port, 'the platform port');
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:crud');
    assert.equal(created.AuthType, 'NONE');
    assert.deepEqual(created.Cors, { AllowOrigins: ['*'], MaxAge: 10 });
    assert.equal(created.InvokeMode, 'BUFFERED');
    assert.ok(!Number.isNaN(Date.parse(created.CreationTime ?? '')));

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'crud' }));
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.equal(got.InvokeMode, 'BUFFERED');
    assert.equal(got.CreationTime, created.CreationTime);
    assert.ok(got.LastModifiedTime);
    const byLatest = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'crud', Qualifier: '$LATEST' }));
    assert.equal(byLatest.FunctionUrl, created.FunctionUrl, '$LATEST is the unqualified config');

    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'crud', AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' }));
    assert.equal(updated.FunctionUrl, created.FunctionUrl, 'the URL survives updates');
    assert.equal(updated.AuthType, 'AWS_IAM');
    assert.equal(updated.InvokeMode, 'RESPONSE_STREAM');
    assert.deepEqual(updated.Cors, { AllowOrigins: ['*'], MaxAge: 10 }, 'members not given are kept');
    assert.ok(Date.parse(updated.LastModifiedTime ?? '') >= Date.parse(got.LastModifiedTime ?? ''));
    const recors = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'crud', Cors: { AllowOrigins: ['https://x.example'] } }));
    assert.deepEqual(recors.Cors, { AllowOrigins: ['https://x.example'] }, 'Cors is replaced whole');
    assert.equal(recors.AuthType, 'AWS_IAM');

    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'crud' }));
    assert.equal(listed.FunctionUrlConfigs?.length, 1);
    assert.equal(listed.FunctionUrlConfigs?.[0]?.FunctionUrl, created.FunctionUrl);
    assert.equal(listed.FunctionUrlConfigs?.[0]?.InvokeMode, 'RESPONSE_STREAM');
    assert.equal(listed.NextMarker, undefined);

    const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'crud' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await assert.rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'crud' })),
      (err: Error) => err.name === 'ResourceNotFoundException' && err.message === 'The resource you requested does not exist.');
    assert.deepEqual((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'crud' }))).FunctionUrlConfigs, []);
    const again = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'crud', AuthType: 'NONE' }));
    assert.notEqual(again.FunctionUrl, created.FunctionUrl, 'a new config gets a new id');
  });

  test('duplicates, unknown functions and qualifiers, and invalid fields are refused with Lambda errors naming the field', async () => {
    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' })), (err: Error) => {
      assert.equal(err.name, 'ResourceConflictException');
      assert.equal(err.message, 'Failed to create function url config for [functionArn = arn:aws:lambda:us-east-1:000000000000:function:echo]. Error message:  FunctionUrlConfig exists for this Lambda function');
      return true;
    });
    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'missing', AuthType: 'NONE' })),
      (err: Error) => err.name === 'ResourceNotFoundException' && /Function not found: .*:function:missing$/.test(err.message));
    await assert.rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo', Qualifier: 'live' })),
      (err: Error) => err.name === 'ResourceNotFoundException' && err.message.endsWith(':function:echo:live'));
    const invalid = async (input: Record<string, unknown>, field: RegExp): Promise<void> => {
      await assert.rejects(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'echo', ...input })), (err: Error) => {
        assert.equal(err.name, 'InvalidParameterValueException');
        assert.match(err.message, field);
        return true;
      });
    };
    await invalid({ AuthType: 'OPEN' }, /^AuthType: must be NONE or AWS_IAM \(got 'OPEN'\)$/);
    await invalid({ InvokeMode: 'STREAMING' }, /^InvokeMode: must be BUFFERED or RESPONSE_STREAM/);
    await invalid({ Cors: { MaxAge: 86401 } }, /^Cors\.MaxAge: must be an integer from 0 to 86400/);
    await invalid({ Cors: { AllowMethods: ['FETCH'] } }, /^Cors\.AllowMethods\.0: must be one of/);
    await invalid({ Cors: { AllowOrigins: Array.from({ length: 101 }, (_, i) => `https://${i}.example`) } }, /^Cors\.AllowOrigins: must have at most 100 items/);
    // The SDK does not check required members; the platform does.
    const missing = await fetch(`${base}/2021-10-31/functions/echo/url`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { Type: 'User', message: 'AuthType: is required' });
    const wrongType = await fetch(`${base}/2021-10-31/functions/echo/url`, { method: 'PUT', body: JSON.stringify({ Cors: { AllowCredentials: 'yes' } }) });
    assert.match(((await wrongType.json()) as { message: string }).message, /^Cors\.AllowCredentials: is invalid/);
    assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' }))).AuthType, 'NONE', 'nothing changed');
  });

  test('the event carries every field of the payload 2.0 shape (lambda-reference §6.1)', async () => {
    const id = urlIds.echo as string;
    const started = Date.now();
    const res = await request(`${base}/url/echo/my/path?parameter1=value1&parameter1=value2&parameter2=value`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: 'cookie1=a; cookie2=b', header1: 'value1', header2: ['value1', 'value2'], 'user-agent': 'agent' },
    }, 'Hello from client!');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const event = JSON.parse(res.body.toString()) as Record<string, unknown> & { requestContext: Record<string, unknown>; headers: Record<string, string> };
    // Null members (authentication, authorizer for NONE, pathParameters, stageVariables) are omitted, as real URL events do.
    assert.deepEqual(Object.keys(event).sort(), ['body', 'cookies', 'headers', 'isBase64Encoded', 'queryStringParameters', 'rawPath', 'rawQueryString', 'requestContext', 'routeKey', 'version']);
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, '$default');
    assert.equal(event.rawPath, '/my/path');
    assert.equal(event.rawQueryString, 'parameter1=value1&parameter1=value2&parameter2=value');
    assert.deepEqual(event.cookies, ['cookie1=a', 'cookie2=b']);
    assert.deepEqual(event.queryStringParameters, { parameter1: 'value1,value2', parameter2: 'value' });
    assert.equal(event.body, 'Hello from client!');
    assert.equal(event.isBase64Encoded, false);
    const h = event.headers;
    assert.equal(h.header1, 'value1');
    assert.equal(h.header2, 'value1,value2', 'repeated headers are joined with commas');
    assert.equal(h['content-type'], 'text/plain');
    assert.equal(h.host, `127.0.0.1:${port}`);
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-port'], port);
    assert.equal(h.cookie, undefined, 'cookies go to cookies[]');
    assert.ok(Object.keys(h).every((k) => k === k.toLowerCase()));
    const rc = event.requestContext;
    assert.deepEqual(Object.keys(rc).sort(), ['accountId', 'apiId', 'domainName', 'domainPrefix', 'http', 'requestId', 'routeKey', 'stage', 'time', 'timeEpoch']);
    assert.equal(rc.accountId, '000000000000', "the function's account (LocalStack says 'anonymous' for NONE)");
    assert.equal(rc.apiId, id);
    assert.equal(rc.domainName, `${id}.lambda-url.us-east-1.localhost`);
    assert.equal(rc.domainPrefix, id);
    assert.deepEqual(rc.http, { method: 'POST', path: '/my/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'agent' });
    assert.equal(rc.requestId, res.headers['x-amzn-requestid']);
    assert.match(String(rc.requestId), /^[0-9a-f-]{36}$/);
    assert.equal(rc.routeKey, '$default');
    assert.equal(rc.stage, '$default');
    assert.match(String(rc.time), /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.ok(Number(rc.timeEpoch) >= started - 1000 && Number(rc.timeEpoch) <= Date.now());

    const bare = JSON.parse((await request(`${base}/url/echo`)).body.toString()) as Record<string, unknown>;
    assert.equal(bare.rawPath, '/', 'no path after the function is /');
    assert.equal(bare.rawQueryString, '');
    assert.equal(bare.queryStringParameters, undefined);
    assert.equal(bare.body, undefined, 'no body, no body member');
    const qualified = JSON.parse((await request(`${base}/url/echo/%24LATEST/deep/er?x=1`)).body.toString()) as Record<string, unknown>;
    assert.equal(qualified.rawPath, '/deep/er', 'the /$LATEST qualifier is part of the prefix');
  });

  test('routing by Host header: curl --resolve and node:http with a Host header', async () => {
    const id = urlIds.echo as string;
    const host = `${id}.lambda-url.us-east-1.localhost`;
    const { stdout } = await run('curl', ['-sS', '--resolve', `${host}:${port}:127.0.0.1`, `http://${host}:${port}/url/not-a-prefix?a=b`]);
    const event = JSON.parse(stdout) as { rawPath: string; headers: Record<string, string>; requestContext: { domainName: string } };
    assert.equal(event.rawPath, '/url/not-a-prefix', 'a Host-routed request keeps its whole path');
    assert.equal(event.headers.host, `${host}:${port}`);
    assert.equal(event.requestContext.domainName, host);
    const viaHeader = await request(`${base}/2015-03-31/functions`, { headers: { host } });
    assert.equal((JSON.parse(viaHeader.body.toString()) as { rawPath: string }).rawPath, '/2015-03-31/functions', 'the URL host never reaches the Lambda API');
    const unknown = await request(`${base}/`, { headers: { host: `${'a'.repeat(32)}.lambda-url.us-east-1.localhost:${port}` } });
    assert.equal(unknown.status, 403);
    assert.equal(unknown.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.equal(unknown.body.toString(), '{"Message":null}');
    const wrongRegion = await request(`${base}/`, { headers: { host: `${id}.lambda-url.eu-west-1.localhost` } });
    assert.equal(wrongRegion.status, 403);
  });

  test('unknown functions under /url/ are 404; so are functions without a URL', async () => {
    const missing = await fetch(`${base}/url/no-such-function/`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.match(((await missing.json()) as { Message: string }).Message, /^Function not found: /);
    await deploy(lambda, 'no-url', { 'index.js': ECHO });
    const noUrl = await fetch(`${base}/url/no-url/`);
    assert.equal(noUrl.status, 404);
    assert.deepEqual(await noUrl.json(), { Type: 'User', Message: 'The resource you requested does not exist.' });
    assert.equal((await fetch(`${base}/url/echo/live/`)).status, 200, 'a segment that is not $LATEST is path');
    assert.equal((await fetch(`${base}/url/bad%20name/`)).status, 404);
  });

  test('response mapping: statusCode, headers, cookies, base64, bare values, errors (§6.1)', async () => {
    const get = (c: string): Promise<Response> => fetch(`${base}/url/respond/?case=${c}`);
    const full = await get('full');
    assert.equal(full.status, 201);
    assert.equal(full.headers.get('x-custom'), 'v');
    assert.equal(full.headers.get('x-number'), '5', 'header values are stringified');
    assert.equal(full.headers.get('content-type'), 'text/plain');
    assert.deepEqual(full.headers.getSetCookie(), ['a=1; Path=/', 'b=2'], 'one Set-Cookie per cookie');
    assert.equal(await full.text(), 'created');
    const noType = await get('no-type');
    assert.equal(noType.headers.get('content-type'), 'application/json', 'content-type defaults to JSON');
    const b64 = await get('b64');
    assert.deepEqual(Buffer.from(await b64.arrayBuffer()), Buffer.from([0, 1, 2, 255]));
    const str = await get('string');
    assert.equal(str.status, 200);
    assert.equal(str.headers.get('content-type'), 'application/json');
    assert.equal(await str.text(), 'hello', 'a bare string is the body, unquoted');
    assert.equal(await (await get('object')).text(), '{"hello":"world"}');
    assert.equal(await (await get('array')).text(), '["hello",3,true]');
    for (const failing of [get('throw'), fetch(`${base}/url/slow/`), get('bad-header')]) {
      const res = await failing;
      assert.equal(res.status, 502);
      assert.equal(await res.text(), 'Internal Server Error');
    }
  });

  test('a PNG goes in and comes back byte for byte (base64 both ways)', async () => {
    const png = makePng();
    assert.ok(png.some((b) => b >= 0x80));
    const res = await fetch(`${base}/url/binary/upload`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-was-base64'), 'true', 'binary request bodies arrive base64');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), png);
    const text = await fetch(`${base}/url/binary/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    assert.equal(text.headers.get('x-was-base64'), 'false', 'UTF-8 JSON stays text');
    assert.equal(await text.text(), '{"a":"é"}');
  });

  test('HEAD answers as GET without a body', async () => {
    const res = await request(`${base}/url/respond/?case=full`, { method: 'HEAD' });
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-length'], '7');
    assert.equal(res.headers['x-custom'], 'v');
    assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2']);
    assert.equal(res.body.length, 0);
  });

  test('CORS: preflights answered from the config without running the function; allowed origins get the headers', async () => {
    const preflight = await fetch(`${base}/url/respond/`, {
      method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-token' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(await preflight.text(), '', 'the function did not run');
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'x-token');
    assert.equal(preflight.headers.get('access-control-max-age'), '300');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    const stranger = await fetch(`${base}/url/respond/`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    const badMethod = await fetch(`${base}/url/respond/`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE' } });
    assert.equal(badMethod.headers.get('access-control-allow-origin'), null);

    const normal = await fetch(`${base}/url/respond/?case=cors`, { headers: { origin: 'https://app.example' } });
    assert.equal(normal.headers.get('access-control-allow-origin'), 'https://app.example', "the config's, not the function's '*'");
    assert.equal(normal.headers.get('access-control-expose-headers'), 'x-custom');
    assert.equal(normal.headers.get('access-control-allow-credentials'), 'true');
    const noOrigin = await fetch(`${base}/url/respond/?case=cors`);
    assert.equal(noOrigin.headers.get('access-control-allow-origin'), null);
    // Without a Cors config, OPTIONS is the function's, and so are its CORS headers.
    const echoed = JSON.parse(await (await fetch(`${base}/url/echo/`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } })).text()) as { requestContext: { http: { method: string } } };
    assert.equal(echoed.requestContext.http.method, 'OPTIONS');
  });

  test('AWS_IAM: unsigned and wrongly signed requests are 403; the SDK signer with the configured key gets through', async () => {
    const target = new URL(`${base}/url/private/some/path?b=x%20y&a=1`);
    const forbidden = async (res: Response): Promise<void> => {
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException');
      assert.deepEqual(await res.json(), { Message: 'Forbidden' });
    };
    await forbidden(await fetch(target, { method: 'POST', body: '{}' }));
    await forbidden(await signedFetch(target, { method: 'POST', body: '{"n":1}', secret: 'wrong-secret' }));
    await forbidden(await signedFetch(target, { method: 'POST', body: '{"n":1}', tamper: (h) => (h['x-amz-date'] = '20200101T000000Z') }));
    await forbidden(await signedFetch(target, { method: 'POST', body: '{"n":1}', signingDate: new Date(Date.now() - 20 * 60 * 1000) }));
    const tamperedBody = await signer().sign({
      method: 'POST', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, query: { a: '1', b: 'x y' },
      headers: { host: target.host }, body: '{"n":1}',
    });
    const { host: _host, ...tamperedHeaders } = tamperedBody.headers;
    await forbidden(await fetch(target, { method: 'POST', headers: tamperedHeaders, body: '{"n":2}' }));

    const ok = await signedFetch(target, { method: 'POST', body: '{"n":1}' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const event = (await ok.json()) as { body: string; rawPath: string; queryStringParameters: Record<string, string>; requestContext: Record<string, unknown> };
    assert.equal(event.body, '{"n":1}');
    assert.equal(event.rawPath, '/some/path');
    assert.deepEqual(event.queryStringParameters, { a: '1', b: 'x y' });
    assert.deepEqual(event.requestContext.authorizer, {
      iam: {
        accessKey: AKID, accountId: '000000000000', callerId: AKID, cognitoIdentity: null, principalOrgId: null,
        userArn: `arn:aws:iam::000000000000:user/${AKID}`, userId: AKID,
      },
    });
    // curl's own SigV4 implementation agrees.
    const { stdout } = await run('curl', ['-sS', '--aws-sigv4', 'aws:amz:us-east-1:lambda', '--user', `${AKID}:${SECRET}`, '-H', 'content-type: text/plain', '--data-binary', 'from curl', `${base}/url/private/c?z=1`]);
    assert.equal((JSON.parse(stdout) as { body: string }).body, 'from curl');
    // Signed for the Host form too (the host is part of what is signed).
    const host = `${urlIds.private ?? ''}.lambda-url.us-east-1.localhost:${port}`;
    const signed = await signer().sign({ method: 'GET', protocol: 'http:', hostname: host, path: '/x', query: {}, headers: { host } });
    const viaHost = await request(`${base}/x`, { headers: signed.headers });
    assert.equal(viaHost.status, 200, viaHost.body.toString());
  });

  test('RESPONSE_STREAM URLs: a non-streaming handler is mapped as BUFFERED; a streaming one reaches the client as it writes', async () => {
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'binary', InvokeMode: 'RESPONSE_STREAM' }));
    const res = await fetch(`${base}/url/binary/`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'streamed?' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'streamed?');

    await deploy(lambda, 'streamer', {
      'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-kind': 'stream' }, cookies: ['a=1'] });
  stream.write('first ');
  await new Promise((r) => setTimeout(r, 700));
  stream.write('second');
  stream.end();
});`,
    });
    await urlFor('streamer', { InvokeMode: 'RESPONSE_STREAM' });
    const started = Date.now();
    const streamed = await fetch(`${base}/url/streamer/`);
    assert.equal(streamed.status, 201);
    assert.equal(streamed.headers.get('x-kind'), 'stream');
    assert.equal(streamed.headers.get('set-cookie'), 'a=1');
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    assert.equal(Buffer.from(first.value ?? []).toString(), 'first ');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
    assert.equal(rest, 'second');
    assert.ok(firstAt < Date.now() - started - 400, `the first chunk (at ${firstAt} ms) came well before the end`);
  });

  test('HTTP limits: keep-alive, 413 over 6 MB, 431 for oversized headers', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await request(`${base}/url/respond/`, { agent });
    const second = await request(`${base}/url/respond/`, { agent });
    assert.equal(first.status, 200);
    assert.equal(second.reusedSocket, true, 'the connection is kept alive');
    agent.destroy();

    const big = await fetch(`${base}/url/echo/`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(6 * 1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    assert.equal(big.headers.get('x-amzn-errortype'), 'RequestTooLargeException');
    assert.match(((await big.json()) as { message: string }).message, /Request must be smaller than 6291456 bytes/);

    const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `x-big: ${'a'.repeat(20_000)}`, `${base}/url/echo/`]);
    assert.equal(stdout, '431');
    assert.equal((await fetch(`${base}/url/respond/`)).status, 200, 'the server is fine afterwards');
  });

  test('a URL serves what its config says right after each change (configs are served from memory)', async () => {
    await deploy(lambda, 'changing', { 'index.js': ECHO });
    const id = await urlFor('changing');
    const byHost = async (): Promise<number> => (await request(`${base}/`, { headers: { host: `${id}.lambda-url.us-east-1.localhost` } })).status;
    assert.equal((await fetch(`${base}/url/changing/`)).status, 200);
    assert.equal(await byHost(), 200);
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'changing', AuthType: 'AWS_IAM' }));
    assert.equal((await fetch(`${base}/url/changing/`)).status, 403, 'unsigned, right after the change to AWS_IAM');
    assert.equal(await byHost(), 403);
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'changing', AuthType: 'NONE' }));
    assert.equal((await fetch(`${base}/url/changing/`)).status, 200);
    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'changing' }));
    assert.equal((await fetch(`${base}/url/changing/`)).status, 404, 'right after the delete');
    assert.equal(await byHost(), 403);
    const again = await urlFor('changing');
    assert.equal((await fetch(`${base}/url/changing/`)).status, 200, 'right after it was created again');
    assert.equal((await request(`${base}/`, { headers: { host: `${again}.lambda-url.us-east-1.localhost` } })).status, 200);
  });

  test('deleting the function takes its URL with it', async () => {
    await deploy(lambda, 'doomed', { 'index.js': ECHO });
    const id = await urlFor('doomed');
    assert.equal((await fetch(`${base}/url/doomed/`)).status, 200);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
    assert.equal((await fetch(`${base}/url/doomed/`)).status, 404);
    assert.equal((await request(`${base}/`, { headers: { host: `${id}.lambda-url.us-east-1.localhost` } })).status, 403);
  });
});

describe('function URLs without iamCredentials', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.dispose());

  test('AWS_IAM URLs refuse everything, saying why', async () => {
    const lambda = server.lambda();
    await deploy(lambda, 'locked', { 'index.js': ECHO });
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'locked', AuthType: 'AWS_IAM' }));
    const target = new URL(`${server.url}/url/locked/`);
    const signed = await signer().sign({ method: 'GET', protocol: 'http:', hostname: target.hostname, path: '/url/locked/', query: {}, headers: { host: target.host } });
    const { host: _host, ...headers } = signed.headers;
    const res = await fetch(target, { headers });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.match(((await res.json()) as { Message: string }).Message, /^Forbidden: .*no iamCredentials configured/);
  });
});
