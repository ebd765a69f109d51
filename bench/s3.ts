// S3 PUT and GET throughput for 4 KB and 4 MB objects, against a baseline measured in the
// same run: a bare node:http server (its own process, as Nimbus is) that stores a PUT body
// the same durable way (temp file, fsync, rename, fsync dir) and streams a GET from disk.
// Load comes from wrk (a Node load generator saturates before the server does); PUTs cycle
// over 64 keys, so they overwrite as they go and the disk use stays bounded. Called by
// run.ts with a running platform; not a test.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BUCKET = 'bench-s3';
const KEYS = 64;
// Signatures are not checked; the credential scope routes the request to the S3 API.
const AUTH = `AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;

interface Case { readonly label: string; readonly bytes: number; readonly connections: number }
const CASES: readonly Case[] = [
  { label: '4 KB', bytes: 4 * 1024, connections: 16 },
  { label: '4 MB', bytes: 4 * 1024 * 1024, connections: 4 },
];

interface Load { readonly rps: number; readonly errors: number }

const BASELINE = `
const http = require('http'), fs = require('fs'), fsp = require('fs/promises'), path = require('path'), crypto = require('crypto');
const { pipeline } = require('stream/promises');
const dir = process.argv[1];
const syncPath = async (p) => { const h = await fsp.open(p, 'r'); await h.sync(); await h.close(); };
async function put(req, file) {
  const temp = path.join(dir, '.tmp-' + crypto.randomBytes(6).toString('hex'));
  const h = await fsp.open(temp, 'w');
  for await (const chunk of req) await h.write(chunk);
  await h.sync();
  await h.close();
  await fsp.rename(temp, file);
  await syncPath(dir);
}
http.createServer((req, res) => {
  const file = path.join(dir, path.basename(req.url));
  if (req.method === 'PUT') {
    put(req, file).then(() => { res.writeHead(200, { 'content-length': 0 }); res.end(); }, () => res.destroy());
  } else {
    // wrk closes its connections mid-response when a run ends: that is not a failure.
    fsp.stat(file).then((s) => { res.writeHead(200, { 'content-length': s.size }); return pipeline(fs.createReadStream(file), res); }).catch(() => res.destroy());
  }
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

function wrk(url: string, connections: number, script: string): Load {
  const out = spawnSync('wrk', ['-t', String(Math.min(2, connections)), '-c', String(connections), '-d', `${SECONDS}s`, '-s', script, url], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out.stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out.stdout);
  return { rps, errors: non2xx + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) };
}

/** A wrk script: PUTs of `bytes` cycling over KEYS keys under `prefix`, or GETs of one path. */
function script(method: 'PUT' | 'GET', prefix: string, bytes: number): string {
  const common = `wrk.method = "${method}"\nwrk.headers["Authorization"] = "${AUTH}"\n`;
  if (method === 'GET') return `${common}wrk.path = "${prefix}0"\n`;
  return `${common}wrk.body = string.rep("x", ${bytes})\nwrk.headers["Content-Type"] = "application/octet-stream"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "${prefix}" .. (counter % ${KEYS}))
end
`;
}

export async function s3Bench(nimbusUrl: string): Promise<string[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bench-s3-'));
  const s3 = new S3Client({ endpoint: nimbusUrl, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const baselineDir = path.join(work, 'baseline');
  await mkdir(baselineDir);
  const baseline = spawn(process.execPath, ['-e', BASELINE, baselineDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const basePort = await new Promise<string>((resolve) => baseline.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const baseUrl = `http://127.0.0.1:${basePort}`;
  const rows: string[] = [];
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const c of CASES) {
      const name = c.label.replace(' ', '').toLowerCase();
      const body = Buffer.alloc(c.bytes, 'x');
      // Objects for the GETs, in both stores.
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `get-${name}-0`, Body: body }));
      await writeFile(path.join(baselineDir, `get-${name}-0`), body);
      for (const method of ['PUT', 'GET'] as const) {
        const prefix = `${method.toLowerCase()}-${name}-`;
        const scriptFile = path.join(work, `${prefix}.lua`);
        await writeFile(scriptFile, script(method, `/${prefix}`, c.bytes));
        const base = wrk(baseUrl, c.connections, scriptFile);
        await writeFile(scriptFile, script(method, `/${BUCKET}/${prefix}`, c.bytes));
        const nimbus = wrk(nimbusUrl, c.connections, scriptFile);
        const mb = (rps: number): string => ((rps * c.bytes) / 2 ** 20).toFixed(1);
        rows.push(`| ${method} ${c.label} | ${c.connections} | ${base.rps.toFixed(0)} | ${mb(base.rps)} | ${nimbus.rps.toFixed(0)} | ${mb(nimbus.rps)} | ${((nimbus.rps / base.rps) * 100).toFixed(0)} % | ${base.errors} / ${nimbus.errors} |`);
      }
    }
  } finally {
    s3.destroy();
    baseline.kill();
    await rm(work, { recursive: true, force: true });
  }
  return [
    '\n## S3 API throughput vs. a bare node:http server storing the same bytes durably\n',
    `wrk, ${SECONDS} s per run; PUTs overwrite 64 keys in turn (temp file, fsync, rename, fsync dir in both); GETs read one object.\n`,
    '| operation | connections | baseline objects/s | baseline MB/s | Nimbus objects/s | Nimbus MB/s | Nimbus vs. baseline | errors (baseline / Nimbus) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}
