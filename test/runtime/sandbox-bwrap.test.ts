import { BwrapDriver, probeBwrap } from '../../src/runtime/sandbox/index.js';
import { sandboxContract } from './sandbox-contract.js';

sandboxContract({
  name: 'bwrap',
  create: async (workDir) => {
    const probe = await probeBwrap();
    return probe.ok ? BwrapDriver.create({ workDir }) : probe.reason;
  },
});
