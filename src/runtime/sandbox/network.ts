// Opt-in outbound network for one bwrap sandbox (function tag `nimbus:network` =
// `outbound`): slirp4netns attaches a user-mode TCP/IP stack to the sandbox's network
// namespace after it started (a pooled sandbox is generic until assign), creating tap0
// (10.0.2.100/24, default route via 10.0.2.2, DNS at 10.0.2.3). Connections the function
// opens are made by slirp4netns in the host's network namespace. It runs as root: the
// sandbox's network namespace belongs to bwrap's outer user namespace (the guest sits in a
// nested one, because --dev needs uid 0 in the first), which no process is left in to
// join, so only init-namespace CAP_SYS_ADMIN can enter it (`--netns-type=path`). It then
// confines itself (`--enable-sandbox`: own mount namespace, every capability but
// NET_BIND_SERVICE dropped; `--enable-seccomp`). A platform not running as root is refused.
// `--disable-host-loopback` refuses 10.0.2.2 → the host's 127.0.0.1, so PostgreSQL,
// Redis and the platform on loopback stay unreachable; anything the host reaches on other
// addresses (LAN, cloud metadata 169.254.169.254) is reachable: see docs/security.md.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { NetworkAttachment } from './child-sandbox.js';
import { isRoot } from './launch.js';
import { SandboxError } from './types.js';

export const SLIRP4NETNS = '/usr/bin/slirp4netns';
/** The function tag that opts a function into outbound network, and its one accepted value. */
export const NETWORK_TAG = 'nimbus:network';
export const NETWORK_OUTBOUND = 'outbound';
const READY_TIMEOUT_MS = 10_000;

export type SandboxNetwork = 'none' | 'outbound';

/** The network a function's tags ask for (any value other than `outbound` is no network). */
export function networkFromTags(tags: Readonly<Record<string, string>> | undefined): SandboxNetwork {
  return tags?.[NETWORK_TAG] === NETWORK_OUTBOUND ? 'outbound' : 'none';
}

export function slirp4netnsAvailable(): boolean {
  return fs.existsSync(SLIRP4NETNS);
}

/**
 * Starts slirp4netns for the network namespace of `guestPid` and resolves once tap0 is
 * configured. It exits when released, or by itself when the platform dies (its exit fd closes).
 */
export function attachOutboundNetwork(guestPid: number): Promise<NetworkAttachment> {
  const asked = `function asks for outbound network (tag ${NETWORK_TAG}=${NETWORK_OUTBOUND})`;
  if (!slirp4netnsAvailable()) return Promise.reject(new SandboxError(`${asked} but ${SLIRP4NETNS} is not installed (apt-get install slirp4netns)`));
  if (!isRoot()) return Promise.reject(new SandboxError(`${asked} but the platform does not run as root, which slirp4netns needs to enter a bwrap sandbox's network namespace`));
  const args = [
    '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
    '--ready-fd=3', '--exit-fd=4', '--netns-type=path', `/proc/${guestPid}/ns/net`, 'tap0',
  ];
  const child = spawn(SLIRP4NETNS, args, { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], cwd: '/' });
  const exitFd = child.stdio[4] as Writable;
  exitFd.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const release = async (): Promise<void> => {
    exitFd.destroy();
    child.kill('SIGKILL');
    await exited;
  };
  let stderr = '';
  (child.stderr as Readable).setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-2000);
  });
  return new Promise<NetworkAttachment>((resolve, reject) => {
    const fail = (what: string): void => {
      clearTimeout(timer);
      void release().then(() => reject(new SandboxError(`slirp4netns ${what}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`did not configure the sandbox network within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('error', (e) => fail(`could not start (${e.message})`));
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited (code ${code}, signal ${signal})`);
    child.once('exit', onExit);
    (child.stdio[3] as Readable).once('data', () => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      resolve({ release });
    });
  });
}
