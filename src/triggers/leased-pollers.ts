// The lifecycle shared by the sets of leased pollers (SQS and broker mappings): in a cluster
// every mapping is re-applied each rebalance period (renewing this node's leases, taking
// over a dead node's); at the end every poller stops and its running batch finishes, then
// the leases are given back so another node takes the mappings at once instead of when
// they expire.
export interface StoppablePoller {
  stop(): Promise<void>;
}

export interface ReleasableLeases {
  release(name: string): Promise<void>;
}

export async function stopLeasedPollers(
  pollers: Map<string, StoppablePoller>, leases: ReleasableLeases | undefined, leaseName: (uuid: string) => string,
): Promise<void> {
  const uuids = [...pollers.keys()];
  await Promise.allSettled([...pollers.values()].map((p) => p.stop()));
  pollers.clear();
  if (leases !== undefined) await Promise.allSettled(uuids.map((uuid) => leases.release(leaseName(uuid))));
}

/** Cluster mode only (leases given): re-applies every mapping each period; undefined on a single node. */
export function startRebalancing(
  leases: ReleasableLeases | undefined, periodMs: number, applyAll: () => Promise<void>, onError: (err: unknown) => void,
): NodeJS.Timeout | undefined {
  if (leases === undefined) return undefined;
  const timer = setInterval(() => {
    applyAll().catch(onError);
  }, periodMs);
  timer.unref();
  return timer;
}
