// The access key repository's contract (access-key-contract.ts) on SQLite.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { accessKeyContract } from './access-key-contract.js';

accessKeyContract('sqlite', () => openSqliteFixture('nimbus-access-keys-'));
