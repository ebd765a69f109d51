// Cluster coordination: the nodes and their heartbeats, named work leases (one node polls
// an event source mapping at a time), and the slots of reserved concurrency that every
// node takes from, so a function's limit holds across the cluster.
export const CLUSTER_SCHEMA = `
  CREATE TABLE cluster_nodes (
    node_id TEXT COLLATE "C" PRIMARY KEY,
    url TEXT NOT NULL,
    version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    stopped_at BIGINT
  );
  CREATE TABLE work_leases (
    name TEXT COLLATE "C" PRIMARY KEY,
    owner TEXT NOT NULL,
    until BIGINT NOT NULL
  );
  CREATE TABLE concurrency_slots (
    function_id TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    holder TEXT,
    until BIGINT,
    PRIMARY KEY (function_id, slot)
  );
`;
