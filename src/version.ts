// The running build's version (package.json), as nodes report it to the cluster.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // Compiled to dist/src/version.js: the package root is two levels up.
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const NIMBUS_VERSION = readVersion();
