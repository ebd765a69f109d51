// Queue arrival signals that reach every node: a message sent through one node wakes a
// long poll (ReceiveMessage with WaitTimeSeconds) or a mapping's poller waiting on another.
import { ArrivalSignals } from '../queues/signals.js';
import type { ClusterNode } from './cluster-node.js';

export class BroadcastArrivalSignals extends ArrivalSignals {
  readonly #node: ClusterNode;

  constructor(node: ClusterNode) {
    super();
    this.#node = node;
    node.onHint((hint) => {
      if (hint.kind === 'queue') super.notify(hint.queueId);
    });
  }

  override notify(queueId: number): void {
    super.notify(queueId);
    if (!this.closed) this.#node.publish({ kind: 'queue', queueId });
  }
}
