// The usage repository contract on SQLite.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { usageContract } from './usage-contract.js';

usageContract('sqlite', () => openSqliteFixture('nimbus-usage-store-'));
