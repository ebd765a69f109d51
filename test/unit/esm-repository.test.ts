// The event source mapping repository's contract (test/store/esm-contract.ts) on SQLite.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { esmRepositoryContract } from '../store/esm-contract.js';

esmRepositoryContract('sqlite', () => openSqliteFixture('nimbus-esm-'));
