// Sandbox drivers: the interface the pool and instances use, and its two implementations.
export { BwrapDriver } from './bwrap.js';
export { ProcessDriver } from './process.js';
export { detectSandboxDriver, probeBwrap } from './detect.js';
export type { BwrapProbe, SandboxPreference } from './detect.js';
export { DEFAULT_TMP_MB } from './driver-core.js';
export type { DriverOptions } from './driver-core.js';
export { SandboxError } from './types.js';
export type {
  FrameBody, KillReason, MessageListener, OutputLine, OutputListener, Sandbox, SandboxDriver, SandboxDriverName, SandboxExit,
  SandboxIsolation, SandboxSpec, SandboxStartOptions, SandboxState,
} from './types.js';
