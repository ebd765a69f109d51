// Cold and warm latency of custom-runtime hello functions (a sh + curl bootstrap, and the
// built-in Python bootstrap) against the built-in Node.js runtime, measured in the same run
// on the same platform: Node is the baseline. Cold = the first invoke after a configuration
// change (a new instance: sandbox claim, INIT, the runtime's own start-up); warm = an invoke
// on the idle instance. Client-side latency through the SDK. Called by run.ts with a running
// platform, or alone: `npx tsc -b && node dist/bench/runtimes.js`. Not a test.
import { InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { startServer } from '../test/helpers/server.js';
import { deployRuntime, executable, SHELL_BOOTSTRAP, type CustomDeployOptions, type ModeFiles } from '../test/integration/custom-runtime-support.js';

const COLD_SAMPLES = Number(process.env.BENCH_RUNTIME_COLD ?? 15);
const WARM_SAMPLES = Number(process.env.BENCH_RUNTIME_WARM ?? 100);

interface Variant { readonly name: string; readonly label: string; readonly files: ModeFiles; readonly options: CustomDeployOptions }

const VARIANTS: readonly Variant[] = [
  { name: 'rt-node', label: 'Node.js (built-in, baseline)', files: { 'index.js': 'exports.handler = async () => "hello";' }, options: { runtime: 'nodejs20.x', handler: 'index.handler' } },
  { name: 'rt-shell', label: 'provided.al2023, sh + curl bootstrap', files: { bootstrap: executable(SHELL_BOOTSTRAP), 'function.sh': 'handler() { printf \'"hello"\'; }\n' }, options: { runtime: 'provided.al2023' } },
  { name: 'rt-python', label: 'python3.12 (built-in bootstrap)', files: { 'app.py': 'def handler(e, c):\n    return "hello"\n' }, options: { runtime: 'python3.12', handler: 'app.handler' } },
];

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(lambda: LambdaClient, name: string): Promise<number> {
  const t = performance.now();
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  if (out.FunctionError) throw new Error(`${name} failed: ${Buffer.from(out.Payload ?? new Uint8Array()).toString()}`);
  return performance.now() - t;
}

interface Measured { readonly variant: Variant; readonly cold: number[]; readonly warm: number[] }

async function measure(lambda: LambdaClient, variant: Variant): Promise<Measured> {
  await deployRuntime(lambda, variant.name, variant.files, variant.options);
  await timed(lambda, variant.name);
  const cold: number[] = [];
  for (let i = 0; i < COLD_SAMPLES; i++) {
    // A configuration change retires the function's instances: the next call starts a new one.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: variant.name, Environment: { Variables: { SAMPLE: String(i) } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: variant.name });
    await new Promise((r) => setTimeout(r, 300)); // let the reserve pool refill
    cold.push(await timed(lambda, variant.name));
  }
  const warm: number[] = [];
  for (let i = 0; i < WARM_SAMPLES; i++) warm.push(await timed(lambda, variant.name));
  return { variant, cold, warm };
}

export async function runtimesBench(endpoint: string): Promise<string[]> {
  const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const results: Measured[] = [];
  for (const variant of VARIANTS) results.push(await measure(lambda, variant));
  lambda.destroy();
  const base = results[0] as Measured;
  const ms = (v: number): string => `${v.toFixed(2)} ms`;
  const ratio = (v: number, b: number): string => `${(v / b).toFixed(2)}×`;
  const lines = [
    '\n## Custom runtimes vs. the built-in Node.js runtime (issue 13)\n',
    `Client-side Invoke latency of a hello function; ${COLD_SAMPLES} cold starts (first call after a configuration change) and ${WARM_SAMPLES} warm calls per runtime, Node measured in the same run as the baseline.\n`,
    '| runtime | cold p50 | cold p99 | cold p50 vs. Node | warm p50 | warm p99 | warm p50 vs. Node |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const [c50, w50] = [percentile(r.cold, 50), percentile(r.warm, 50)];
    lines.push(`| ${r.variant.label} | ${ms(c50)} | ${ms(percentile(r.cold, 99))} | ${ratio(c50, percentile(base.cold, 50))} | ${ms(w50)} | ${ms(percentile(r.warm, 99))} | ${ratio(w50, percentile(base.warm, 50))} |`);
  }
  lines.push('\nA custom runtime\'s cold start adds its own process start (sh, or python3 importing the bootstrap) to the pooled guest\'s; a warm call adds one loopback HTTP exchange per direction between the guest and the runtime (and, for the shell loop, a curl and a few subprocesses per call).');
  return lines;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const server = await startServer();
  try {
    for (const line of await runtimesBench(server.url)) console.log(line);
  } finally {
    await server.dispose();
  }
}
