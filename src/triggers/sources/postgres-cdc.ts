// PostgreSQL change data capture: every INSERT, UPDATE and DELETE on the mapping's tables,
// read through logical replication (pgoutput) and delivered as DynamoDB Streams records,
// so a function written for DynamoDB Streams works unchanged. The replication slot is the
// checkpoint; see postgres-cdc-reader.ts for how acknowledgements move it, and
// docs/event-sources.md for the server settings it needs.
import type { SourceContext, SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';
import { parsePostgresCdcConfig, type PostgresCdcConfig } from './postgres-cdc-config.js';
import { PostgresCdcReader } from './postgres-cdc-reader.js';
import { dropReplication, prepareReplication, publicationName, slotName } from './postgres-cdc-setup.js';

/** object_in_use: the slot is active for another server process. */
const SLOT_IN_USE = '55006';
const SLOT_RETRIES = 10;

export const postgresCdcSource: SourcePlugin<PostgresCdcConfig> = {
  kind: 'postgres-cdc',

  parseConfig(raw: unknown): PostgresCdcConfig {
    return parsePostgresCdcConfig(raw);
  },

  async open(config: PostgresCdcConfig, context: SourceContext): Promise<SourceReader> {
    await prepareReplication(config, context.mappingId);
    const slot = slotName(config, context.mappingId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await PostgresCdcReader.start(config, context, slot, publicationName(config, context.mappingId));
      } catch (err) {
        // The previous reader's server process may still hold the slot for a moment after it closed;
        // a reader still streaming elsewhere keeps it, and this open fails after the retries.
        if ((err as { code?: string }).code !== SLOT_IN_USE || attempt >= SLOT_RETRIES) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  },

  event(records: readonly SourceRecord[]): unknown {
    return { Records: records.map((record) => record.payload) };
  },

  async forget(config: PostgresCdcConfig, context: SourceContext): Promise<void> {
    await dropReplication(config, context.mappingId);
  },
};
