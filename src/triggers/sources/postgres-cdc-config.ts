// The settings of a `postgres-cdc` mapping, checked as the user gave them. Table,
// publication and slot names end up in DDL and in the START_REPLICATION command, where
// parameters cannot be used, so they are held to plain identifier shapes here and quoted
// where they are used.
import { z } from 'zod';
import { parseSourceConfig } from './source-config.js';

export const STREAM_VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];

export interface PostgresTableName {
  /** undefined: the first schema of the connection's search_path (usually `public`). */
  readonly schema: string | undefined;
  readonly table: string;
}

/** `table` or `schema.table`, as stored in the catalog: exact case, nothing that needs quoting inside. */
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
/** pgoutput reads publication_names as unquoted identifiers, so only lower-case names survive. */
const PUBLICATION = /^[a-z_][a-z0-9_$]{0,62}$/;
/** PostgreSQL's own rule for replication slot names. */
const SLOT = /^[a-z0-9_]{1,63}$/;

function tableName(name: string): PostgresTableName {
  const [first, second] = name.split('.') as [string, string | undefined];
  return second === undefined ? { schema: undefined, table: first } : { schema: first, table: second };
}

const configSchema = z
  .strictObject({
    url: z.string().regex(/^postgres(ql)?:\/\/./, 'a postgres:// URL'),
    /** The tables to capture, through a publication the plugin owns (`nimbus_<mapping id>`). */
    tables: z.array(z.string().regex(TABLE, "table or schema.table: letters, digits, '_' and '$'").transform(tableName)).min(1).optional(),
    /** An existing publication the user manages; the plugin never alters or drops it. */
    publication: z.string().regex(PUBLICATION, 'lower-case letters, digits, _ and $').optional(),
    streamViewType: z.enum(STREAM_VIEW_TYPES).default('NEW_AND_OLD_IMAGES'),
    /** undefined: `nimbus_<mapping id without dashes>`. */
    slot: z.string().regex(SLOT, 'lower-case letters, digits and _, at most 63 characters').optional(),
    /** The slot starts at the changes committed after it is created. */
    startingPosition: z.literal('LATEST').default('LATEST'),
  })
  .refine((config) => (config.tables === undefined) !== (config.publication === undefined), {
    path: ['tables'],
    message: 'give either tables (a publication is created) or publication (an existing one), not both',
  });

export type PostgresCdcConfig = z.output<typeof configSchema>;

export function parsePostgresCdcConfig(raw: unknown): PostgresCdcConfig {
  return parseSourceConfig(configSchema, raw);
}
