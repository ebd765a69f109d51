// `npm run bench`: measures Nimbus against a bare node:http baseline in the same run on
// this machine and writes bench/RESULTS.md. Load comes from wrk (Debian package), since a
// Node load generator saturates before the server does. Numbers are reported as ratios to
// the baseline; nothing here is a pass/fail test. `node dist/bench/run.js cluster` runs only the
// cluster section (bench/cluster.ts) and rewrites only that section of RESULTS.md;
// `node dist/bench/run.js event-sources` likewise for bench/event-sources.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, CreateFunctionUrlConfigCommand, InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { keepAliveBench } from './keep-alive.js';
import { sqsBench } from './sqs.js';
import { esmBench } from './esm.js';
import { s3NotifyBench } from './s3-notify.js';
import { s3Bench } from './s3.js';
import { runtimesBench } from './runtimes.js';
import { clusterBench, writeClusterSection } from './cluster.js';
import { eventSourcesBench, writeEventSourcesSection } from './event-sources.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'nimbus.js');
const RESPONSE = { statusCode: 200, body: 'hello bench' };
const WRK_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 30);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** How long instances sit idle before their memory is measured again (V8's memory reducer shrinks a heap after some seconds without allocation). */
const IDLE_SETTLE_MS = 30_000;

interface WrkResult { rps: number; p50ms: number; p99ms: number; errors: number }

function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : m[2] === 'm' ? v * 60_000 : v;
}

function wrk(url: string, connections: number, bodyFile?: string): WrkResult {
  const args = ['-t', String(Math.min(2, connections)), '-c', String(connections), '-d', `${WRK_SECONDS}s`, '--latency'];
  if (bodyFile) args.push('-s', bodyFile);
  const out = spawnSync('wrk', [...args, url], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const text = out.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const p50 = parseDuration(/^\s+50%\s+(\S+)\s*$/m.exec(text)?.[1] ?? '');
  const p99 = parseDuration(/^\s+99%\s+(\S+)\s*$/m.exec(text)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50ms: p50, p99ms: p99, errors };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name, { mtime: new Date(0) });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function startNimbus(dataDir: string, extra: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...extra], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(output)), 30_000);
    child.stdout?.on('data', () => {
      const m = /listening on (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  return { url, child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const HANDLER = `exports.handler = async () => (${JSON.stringify(RESPONSE)});\n`;

/** The throughput rows run the function with one full vCPU (1,769 MB), as the baseline process has; a 128 MB row shows Lambda's CPU share. */
const FULL_VCPU_MB = 1769;

async function deploy(lambda: LambdaClient, name: string, memoryMb?: number): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: await zipOf({ 'index.js': HANDLER }) },
    ...(memoryMb !== undefined ? { MemorySize: memoryMb } : {}),
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

async function timedInvoke(lambda: LambdaClient, name: string): Promise<number> {
  const started = performance.now();
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  if (out.FunctionError) throw new Error(`invoke failed: ${Buffer.from(out.Payload ?? []).toString()}`);
  return performance.now() - started;
}

/** Sleeps `sleepMs` when asked, so concurrent calls need one instance each. */
const SLEEPER = `exports.handler = async (event) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return ${JSON.stringify(RESPONSE)};
};
`;
const IDLE_INSTANCES = 20;

/**
 * (d) Idle memory per warm instance: 20 instances of a 128 MB function (20 concurrent calls
 * that sleep 300 ms), each then serving 10 more calls, measured right after and after
 * IDLE_SETTLE_MS with nothing to do.
 */
async function idleMemory(lambda: LambdaClient, url: string): Promise<{ afterLoad: number[]; settled: number[]; idleSeconds: number }> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'idle-mem', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: await zipOf({ 'index.js': SLEEPER }) },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'idle-mem' });
  const call = (sleepMs: number): Promise<unknown> => lambda.send(new InvokeCommand({ FunctionName: 'idle-mem', Payload: Buffer.from(JSON.stringify({ sleepMs })) }));
  await Promise.all(Array.from({ length: IDLE_INSTANCES }, () => call(300)));
  for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: IDLE_INSTANCES }, () => call(0)));
  const view = (await (await fetch(`${url}/nimbus/v1/instances`)).json()) as { functions: { name: string; idlePids: number[] }[] };
  const pids = view.functions.find((f) => f.name === 'idle-mem')?.idlePids ?? [];
  const afterLoad = pids.map(pssOfTree);
  const since = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  return { afterLoad, settled: pids.map(pssOfTree).filter((v) => v > 0), idleSeconds: (performance.now() - since) / 1000 };
}

/** Cold start = first invoke after a config change (a new instance) minus a warm invoke. */
async function coldStarts(lambda: LambdaClient, name: string, samples: number, pauseMs: number): Promise<number[]> {
  const costs: number[] = [];
  for (let i = 0; i < samples; i++) {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: `sample ${i}` }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
    await new Promise((r) => setTimeout(r, pauseMs)); // let the reserve pool refill
    const cold = await timedInvoke(lambda, name);
    const warm = await timedInvoke(lambda, name);
    costs.push(cold - warm);
  }
  return costs;
}

/** CPU time (user + system, all threads) of one process, in ms. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0; // gone meanwhile
  }
}

/** Pids of every process below `rootPid`. */
function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n')) {
    const [pid, ppid] = entry.trim().split(/\s+/).map(Number);
    if (pid !== undefined && ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(rootPid);
  return out;
}

interface CpuSplit { serverUs: number; sandboxesUs: number }

/** Runs wrk and splits the CPU it cost into the server process and its sandboxes, per request. */
function wrkWithCpu(serverPid: number, url: string, connections: number, bodyFile: string): WrkResult & CpuSplit {
  const server0 = cpuMsOf(serverPid);
  const sandboxes = (): number => descendantsOf(serverPid).reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  const sandboxes0 = sandboxes();
  const result = wrk(url, connections, bodyFile);
  const requests = result.rps * WRK_SECONDS;
  // Sandboxes started during the run count from zero; ones that ended are missed (none end under load).
  return { ...result, serverUs: ((cpuMsOf(serverPid) - server0) * 1000) / requests, sandboxesUs: ((sandboxes() - sandboxes0) * 1000) / requests };
}

/** PSS of a process and everything below it, in MiB (0 once it is gone). */
function pssOfTree(rootPid: number): number {
  let kb = 0;
  for (const pid of [rootPid, ...descendantsOf(rootPid)]) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  // `node dist/bench/run.js cluster`: only the cluster section, written into RESULTS.md in place.
  if (process.argv[2] === 'cluster') {
    const lines = await clusterBench();
    for (const line of lines) console.log(line);
    await writeClusterSection(path.join(ROOT, 'bench', 'RESULTS.md'), lines);
    return;
  }
  // `node dist/bench/run.js event-sources`: only the broker and CDC event sources section (bench/event-sources.ts).
  if (process.argv[2] === 'event-sources') {
    const lines = await eventSourcesBench();
    for (const line of lines) console.log(line);
    await writeEventSourcesSection(path.join(ROOT, 'bench', 'RESULTS.md'), lines);
    return;
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bench-'));
  const results: string[] = [];
  const log = (line: string): void => {
    console.log(line);
    results.push(line);
  };
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;

  // (a) baseline: a bare node:http server returning the same JSON, in its own process
  // (as Nimbus is) so both get the same cores.
  const body = JSON.stringify(RESPONSE);
  const baselineChild = spawn(process.execPath, ['-e', `const http = require('http'); const b = ${JSON.stringify(body)};
http.createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) }); s.end(b); }); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const basePort = await new Promise<string>((r) => baselineChild.stdout?.once('data', (d: Buffer) => r(d.toString().trim())));
  const baseUrl = `http://127.0.0.1:${basePort}/`;
  const postScript = path.join(work, 'post.lua');
  await writeFile(postScript, `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\n`);
  const base1 = wrk(baseUrl, 1, postScript);
  const base32 = wrkWithCpu(baselineChild.pid as number, baseUrl, 32, postScript);
  await stop(baselineChild);

  // (b) warm invoke through Nimbus.
  const dataDir = path.join(work, 'data');
  const nimbus = await startNimbus(dataDir, []);
  const lambda = new LambdaClient({ endpoint: nimbus.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  await deploy(lambda, 'bench', FULL_VCPU_MB);
  for (let i = 0; i < 50; i++) await timedInvoke(lambda, 'bench');
  const invokeUrl = `${nimbus.url}/2015-03-31/functions/bench/invocations`;
  const serverPid = nimbus.child.pid as number;
  const warm1 = wrk(invokeUrl, 1, postScript);
  const warm32 = wrkWithCpu(serverPid, invokeUrl, 32, postScript);
  // The same function at Lambda's default 128 MB: its instances get 128/1769 of a core each (docs/security.md).
  await deploy(lambda, 'bench-128');
  for (let i = 0; i < 50; i++) await timedInvoke(lambda, 'bench-128');
  const small1 = wrk(`${nimbus.url}/2015-03-31/functions/bench-128/invocations`, 1, postScript);
  const small32 = wrkWithCpu(serverPid, `${nimbus.url}/2015-03-31/functions/bench-128/invocations`, 32, postScript);

  // HTTP trigger: the same function through its function URL (path form), same request as the baseline.
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'bench', AuthType: 'NONE' }));
  const functionUrl = `${nimbus.url}/url/bench/`;
  const url1 = wrk(functionUrl, 1, postScript);
  const url32 = wrk(functionUrl, 32, postScript);

  // Async: events/s accepted (202, durable) and completed, against the same no-op function.
  const eventScript = path.join(work, 'event.lua');
  await writeFile(eventScript, `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["X-Amz-Invocation-Type"] = "Event"\n`);
  await deploy(lambda, 'bench-async');
  await timedInvoke(lambda, 'bench-async');
  const asyncStart = performance.now();
  const accepted = wrk(`${nimbus.url}/2015-03-31/functions/bench-async/invocations`, 32, eventScript);
  const acceptedTotal = Math.round(accepted.rps * WRK_SECONDS);
  const pending = async (status: string): Promise<number> =>
    ((await (await fetch(`${nimbus.url}/nimbus/v1/events?function=bench-async&status=${status}&limit=1`)).json()) as { Events: unknown[] }).Events.length;
  while ((await pending('queued')) + (await pending('leased')) > 0) await new Promise((r) => setTimeout(r, 100));
  const asyncSeconds = (performance.now() - asyncStart) / 1000;

  const view = (await (await fetch(`${nimbus.url}/nimbus/v1/instances`)).json()) as { sandbox: { driver: string } };

  // (e) burst: 100 concurrent calls to a cold function.
  await deploy(lambda, 'burst');
  const burstStart = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => timedInvoke(lambda, 'burst')));
  const burstMs = performance.now() - burstStart;
  const s3NotifyLines = await s3NotifyBench(nimbus.url);
  const s3Lines = await s3Bench(nimbus.url);
  const sqsLines = await sqsBench(nimbus.url);
  const esmLines = await esmBench(nimbus.url);
  const runtimeLines = await runtimesBench(nimbus.url);
  const memory = await idleMemory(lambda, nimbus.url);

  // (c) cold starts with a reserve-pool hit.
  const coldHit = await coldStarts(lambda, 'bench', COLD_SAMPLES, 400);
  lambda.destroy();
  await stop(nimbus.child);

  // (c) cold starts with an empty pool.
  const emptyDir = path.join(work, 'empty');
  const empty = await startNimbus(emptyDir, ['--pool-size', '0']);
  const lambdaEmpty = new LambdaClient({ endpoint: empty.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  await deploy(lambdaEmpty, 'bench');
  await timedInvoke(lambdaEmpty, 'bench');
  const coldEmpty = await coldStarts(lambdaEmpty, 'bench', COLD_SAMPLES, 0);
  // One plain node spawn, for scale.
  const spawnCosts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: {} });
    spawnCosts.push(performance.now() - t);
  }
  lambdaEmpty.destroy();
  await stop(empty.child);
  await rm(work, { recursive: true, force: true });
  const clusterLines = await clusterBench(); // its own nodes, after the others stopped
  const eventSourceLines = await eventSourcesBench(); // its own nodes too

  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)} %`;
  const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
  log(`# Benchmark results\n\nMachine: ${machine}. Sandbox driver: ${view.sandbox.driver}. wrk ${WRK_SECONDS} s per run; ${COLD_SAMPLES} cold starts per variant.\nRun with \`npm run bench\`; every number below comes from one run of it.\n`);
  log('## Warm invoke vs. a bare node:http server returning the same JSON\n');
  log('| | req/s | p50 | p99 | errors | throughput vs. baseline | added p50 |');
  log('|---|---|---|---|---|---|---|');
  log(`| baseline, 1 connection | ${base1.rps.toFixed(0)} | ${ms(base1.p50ms)} | ${ms(base1.p99ms)} | ${base1.errors} | 100 % | – |`);
  log(`| Nimbus Invoke, 1 connection | ${warm1.rps.toFixed(0)} | ${ms(warm1.p50ms)} | ${ms(warm1.p99ms)} | ${warm1.errors} | ${pct(warm1.rps, base1.rps)} | ${ms(warm1.p50ms - base1.p50ms)} |`);
  log(`| baseline, 32 connections | ${base32.rps.toFixed(0)} | ${ms(base32.p50ms)} | ${ms(base32.p99ms)} | ${base32.errors} | 100 % | – |`);
  log(`| Nimbus Invoke, 32 connections | ${warm32.rps.toFixed(0)} | ${ms(warm32.p50ms)} | ${ms(warm32.p99ms)} | ${warm32.errors} | ${pct(warm32.rps, base32.rps)} | ${ms(warm32.p50ms - base32.p50ms)} |`);
  log(`| Nimbus Invoke, function at 128 MB (${((128 / FULL_VCPU_MB) * 100).toFixed(1)} % of a core per instance), 1 connection | ${small1.rps.toFixed(0)} | ${ms(small1.p50ms)} | ${ms(small1.p99ms)} | ${small1.errors} | ${pct(small1.rps, base1.rps)} | ${ms(small1.p50ms - base1.p50ms)} |`);
  log(`| Nimbus Invoke, function at 128 MB, 32 connections | ${small32.rps.toFixed(0)} | ${ms(small32.p50ms)} | ${ms(small32.p99ms)} | ${small32.errors} | ${pct(small32.rps, base32.rps)} | ${ms(small32.p50ms - base32.p50ms)} |`);
  log(`| Nimbus function URL (\`/url/<fn>/\`), 1 connection | ${url1.rps.toFixed(0)} | ${ms(url1.p50ms)} | ${ms(url1.p99ms)} | ${url1.errors} | ${pct(url1.rps, base1.rps)} | ${ms(url1.p50ms - base1.p50ms)} |`);
  log(`| Nimbus function URL (\`/url/<fn>/\`), 32 connections | ${url32.rps.toFixed(0)} | ${ms(url32.p50ms)} | ${ms(url32.p99ms)} | ${url32.errors} | ${pct(url32.rps, base32.rps)} | ${ms(url32.p50ms - base32.p50ms)} |`);
  log(`| Nimbus Invoke Event (async), 32 connections: accepted | ${accepted.rps.toFixed(0)} | ${ms(accepted.p50ms)} | ${ms(accepted.p99ms)} | ${accepted.errors} | ${pct(accepted.rps, base32.rps)} | – |`);
  log(`\nThe Invoke rows run the function at ${FULL_VCPU_MB} MB, one full vCPU as on Lambda, so its instances may use a core as the baseline process does; at 128 MB each instance gets 128/${FULL_VCPU_MB} of a core (the cgroup CPU share, docs/security.md), which bounds the 128 MB rows.`);
  log(`\nCPU per request at 32 connections (user + system, from /proc): baseline server ${base32.serverUs.toFixed(0)} µs; Nimbus server process ${warm32.serverUs.toFixed(0)} µs and function instances ${warm32.sandboxesUs.toFixed(0)} µs (128 MB: ${small32.serverUs.toFixed(0)} µs and ${small32.sandboxesUs.toFixed(0)} µs). At ${warm32.rps.toFixed(0)} req/s the server process (one JavaScript thread) was busy ${((warm32.serverUs * warm32.rps) / 10_000).toFixed(0)} % of one core.`);
  log(`\nAsync: ${acceptedTotal} events accepted in ${WRK_SECONDS} s (${pct(accepted.rps, warm32.rps)} of sync Invoke throughput); all completed ${asyncSeconds.toFixed(1)} s after the first was sent, ${(acceptedTotal / asyncSeconds).toFixed(0)} events/s end to end (${pct(acceptedTotal / asyncSeconds, warm32.rps)} of sync throughput).`);
  log('\n## Cold start (first invoke of a new instance minus a warm invoke)\n');
  log('| | p50 | p99 |');
  log('|---|---|---|');
  log(`| reserve-pool hit | ${ms(percentile(coldHit, 50))} | ${ms(percentile(coldHit, 99))} |`);
  log(`| empty pool (spawn) | ${ms(percentile(coldEmpty, 50))} | ${ms(percentile(coldEmpty, 99))} |`);
  log(`| for scale: one \`node -e 0\` spawn | ${ms(percentile(spawnCosts, 50))} | ${ms(percentile(spawnCosts, 99))} |`);
  log('\n## Memory and burst\n');
  log(`- Idle warm instance, PSS of its whole process tree (bwrap, node): ${memory.afterLoad.length} instances of a 128 MB function, each having served 11 calls: median ${percentile(memory.afterLoad, 50).toFixed(1)} MiB right after, ${percentile(memory.settled, 50).toFixed(1)} MiB after ${memory.idleSeconds.toFixed(0)} s idle (${memory.settled.length} measured; V8 shrinks a heap that stopped allocating after some seconds).`);
  log(`- Burst: 100 concurrent calls to a never-invoked function all answered in ${burstMs.toFixed(0)} ms.`);
  for (const line of s3NotifyLines) log(line);
  for (const line of s3Lines) log(line);
  for (const line of sqsLines) log(line);
  for (const line of esmLines) log(line);
  for (const line of eventSourceLines) log(line);
  for (const line of runtimeLines) log(line);
  for (const line of clusterLines) log(line);
  for (const line of await keepAliveBench()) log(line); // no platform: a replay in virtual time
  const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const pssMedian = percentile(memory.settled, 50);
  log('\n## Against the targets (issues 3 and 5)\n');
  log('| target | measured | |');
  log('|---|---|---|');
  log(`| warm Invoke throughput ≥ 50 % of baseline at 32 connections | ${pct(warm32.rps, base32.rps)} | ${verdict(warm32.rps >= base32.rps / 2)} |`);
  log(`| function URL throughput ≥ 50 % of baseline at 32 connections | ${pct(url32.rps, base32.rps)} | ${verdict(url32.rps >= base32.rps / 2)} |`);
  log(`| warm added p50 ≤ 1 ms (1 connection) | ${ms(warm1.p50ms - base1.p50ms)} | ${verdict(warm1.p50ms - base1.p50ms <= 1)} |`);
  log(`| pool-hit cold start p50 ≤ 10 ms | ${ms(percentile(coldHit, 50))} | ${verdict(percentile(coldHit, 50) <= 10)} |`);
  log(`| empty-pool cold start ≤ one Node spawn + bwrap (sandbox-notes: ~129 ms) | ${ms(percentile(coldEmpty, 50))} | ${verdict(percentile(coldEmpty, 50) <= 129)} |`);
  log(`| idle warm instance ≤ 12 MiB PSS (after ${memory.idleSeconds.toFixed(0)} s idle) | ${pssMedian.toFixed(1)} MiB | ${verdict(pssMedian <= 12)} |`);
  await writeFile(path.join(ROOT, 'bench', 'RESULTS.md'), results.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
