// The telemetry database: every invocation's log lines and usage record, in a SQLite file
// of its own beside the main store, written by a worker thread (worker.ts) so that the
// thread serving invocations never spends its time in SQLite inserts.
import path from 'node:path';
import type { Db } from '../database.js';
import { openDatabase } from '../database.js';
import { LOG_EVENTS_SCHEMA } from '../schema/log-events.js';
import { USAGE_SCHEMA } from '../schema/usage.js';

export const TELEMETRY_MIGRATIONS: readonly string[] = [
  // 1: function logs, one row per line.
  LOG_EVENTS_SCHEMA,
  // 2: metering, one usage record per invocation.
  USAGE_SCHEMA,
];

const MOVED_TABLES = ['log_events', 'usage_records'] as const;

/** `nimbus.db` → `nimbus-telemetry.db`, in the same directory. */
export function telemetryFileOf(mainFile: string): string {
  const ext = path.extname(mainFile);
  return path.join(path.dirname(mainFile), `${path.basename(mainFile, ext)}-telemetry${ext}`);
}

/**
 * Creates or upgrades the telemetry database (so a bad file fails start-up, not the first
 * write), and moves in the rows an older build kept in the main store. Runs on the main
 * thread, before the worker opens the file.
 */
export function prepareTelemetryDatabase(main: Db, file: string): void {
  openDatabase(file, TELEMETRY_MIGRATIONS).close();
  const hasRows = (table: string): boolean => (main.prepare(`SELECT EXISTS (SELECT 1 FROM main.${table}) AS found`).get() as { found: number }).found === 1;
  const left = MOVED_TABLES.filter(hasRows);
  if (left.length === 0) return;
  main.prepare('ATTACH DATABASE ? AS telemetry').run(file);
  try {
    main.transaction(() => {
      for (const table of left) {
        main.exec(`INSERT INTO telemetry.${table} SELECT * FROM main.${table}; DELETE FROM main.${table};`);
      }
    })();
  } finally {
    main.exec('DETACH DATABASE telemetry');
  }
}
