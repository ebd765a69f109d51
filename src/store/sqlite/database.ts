// Opens the SQLite database of a data directory: WAL, foreign keys, and an exclusive
// lock held for the life of the process, so a second `nimbus serve` on the same data
// dir fails at once instead of corrupting it. The OS drops the lock when the process
// dies, so a crash never leaves a stale lock behind.
import Database from 'better-sqlite3';
import { NimbusError } from '../../errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** Opens `file` and brings it to the last of `migrations` (the main store's by default). */
export function openDatabase(file: string, migrations?: readonly string[]): Db {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // The first write takes the exclusive lock; in EXCLUSIVE mode it is kept until close.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new NimbusError('DataDirLocked', `the data directory is in use by another nimbus process (database ${file} is locked); stop it or pass another --data-dir`, { cause: err });
    }
    throw new NimbusError('StoreCorrupt', `cannot open the store at ${file}: ${(err as Error).message}`, { cause: err });
  }
  migrate(db, migrations);
  return db;
}
