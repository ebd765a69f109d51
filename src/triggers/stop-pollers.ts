// The end of a set of leased pollers (SQS and broker mappings): every poller stops and its
// running batch finishes, then the cluster leases are given back so another node takes the
// mappings at once instead of when the leases expire.
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
