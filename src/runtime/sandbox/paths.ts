// Where the pieces a sandbox needs live on the host, and the per-driver working dirs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface RuntimeFiles {
  /** dist/src/guest (compiled guest; entry main.js). */
  readonly guestDir: string;
  /** dist/src/protocol (the guest imports ../protocol/*). */
  readonly protocolDir: string;
  /** The project's package.json ("type": "module" makes the guest's .js files ESM). */
  readonly packageJson: string;
  /** runtimes/: the built-in custom runtimes (runtimes/python/bootstrap.py), read-only in every sandbox. */
  readonly languagesDir: string;
  /** node_modules with the AWS SDK v3 for handlers; undefined when absent. */
  readonly sdkNodeModules: string | undefined;
}

/** This file is dist/src/runtime/sandbox/paths.js; the guest is dist/src/guest/. */
export function defaultRuntimeFiles(): RuntimeFiles {
  const distSrc = path.resolve(import.meta.dirname, '..', '..');
  const projectRoot = path.resolve(distSrc, '..', '..');
  const nodeModules = path.join(projectRoot, 'node_modules');
  return {
    guestDir: path.join(distSrc, 'guest'),
    protocolDir: path.join(distSrc, 'protocol'),
    packageJson: path.join(projectRoot, 'package.json'),
    languagesDir: path.join(projectRoot, 'runtimes'),
    sdkNodeModules: fs.existsSync(path.join(nodeModules, '@aws-sdk')) ? nodeModules : undefined,
  };
}

export function assertRuntimeFiles(files: RuntimeFiles): void {
  for (const p of [path.join(files.guestDir, 'main.js'), path.join(files.protocolDir, 'frame.js'), files.packageJson]) {
    if (!fs.existsSync(p)) throw new Error(`sandbox runtime file missing: ${p} (run \`npx tsc -b\`)`);
  }
}

export function newSandboxId(): string {
  return randomBytes(16).toString('hex');
}

/** Default uid/gid the guest runs as when the platform is root (sandbox-notes §2). */
export const DEFAULT_SANDBOX_UID = 993;
