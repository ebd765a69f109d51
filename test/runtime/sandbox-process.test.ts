import { ProcessDriver } from '../../src/runtime/sandbox/index.js';
import { sandboxContract } from './sandbox-contract.js';

sandboxContract({
  name: 'process',
  create: async (workDir) => (process.platform === 'win32' ? 'the process driver needs a POSIX system' : ProcessDriver.create({ workDir })),
});
