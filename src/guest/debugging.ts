// Developer aids the guest switches on. Source maps: a bundled TypeScript handler ships a
// .map beside its .js (`nimbus deploy` writes one), and Lambda users turn this on with
// NODE_OPTIONS=--enable-source-maps; here it is always on, so stack traces in logs name
// the .ts lines. Only modules loaded after this call are mapped: it runs before any handler.
// The inspector: `nimbus dev --inspect` sets NIMBUS_INSPECT=host:port in the function's
// environment; the instance then opens a Node inspector there at INIT so a debugger can attach.
import inspector from 'node:inspector';

export function enableSourceMaps(): void {
  process.setSourceMapsEnabled(true);
}

/** Opens the inspector when the function's environment asks; a failure is logged, not fatal. */
export function openInspectorIfAsked(env: NodeJS.ProcessEnv): void {
  const wanted = env['NIMBUS_INSPECT'];
  if (wanted === undefined || wanted === '') return;
  const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|localhost):)?(\d{1,5})$/.exec(wanted);
  if (!match) {
    console.error(`nimbus: NIMBUS_INSPECT must be [host:]port, got '${wanted}'`);
    return;
  }
  try {
    inspector.open(Number(match[2]), match[1] ?? '127.0.0.1', false);
    console.error(`Debugger listening on ${inspector.url() ?? '?'}`);
  } catch (err) {
    // Another instance of the function holds the port, or the sandbox forbids the inspector.
    console.error(`nimbus: cannot open the inspector on ${wanted}: ${(err as Error).message}`);
  }
}
