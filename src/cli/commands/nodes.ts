// `nimbus nodes`: the nodes of the cluster the endpoint belongs to (/nimbus/v1/cluster):
// which are alive, their URLs, versions and last heartbeats. A single node lists itself.
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { adminRequest } from '../admin-request.js';
import { booleanFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

interface NodeView { nodeId: string; url: string; version: string; startedAt: string; heartbeatAt: string; alive: boolean }
interface ClusterAnswer { mode: 'single' | 'cluster'; nodeId: string; nodes: NodeView[] }

export const nodesCommand: CliCommand = {
  name: 'nodes',
  summary: 'List the nodes of the cluster (cluster mode) or the one node',
  usage: ['nodes [options]', '', 'options:', API_OPTIONS_HELP].join('\n'),
  options: { ...API_OPTIONS },
  async run({ values, positionals, io }) {
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const answer = (await adminRequest<ClusterAnswer>(connect(values, io.env), 'GET', '/cluster')) as ClusterAnswer;
    if (booleanFlag(values, 'json')) {
      io.out(JSON.stringify(answer, null, 2));
      return 0;
    }
    io.out(`${answer.mode === 'cluster' ? 'cluster' : 'single node'}; answered by ${answer.nodeId}`);
    const rows = answer.nodes.map((n) => [n.nodeId, n.alive ? 'alive' : 'gone', n.url, n.version, n.startedAt, n.heartbeatAt]);
    for (const line of table(['NODE', 'STATE', 'URL', 'VERSION', 'STARTED', 'HEARTBEAT'], rows)) io.out(line);
    return 0;
  },
};
