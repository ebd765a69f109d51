import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { queueStoreContract } from './queue-store-contract.js';

queueStoreContract('sqlite', () => openSqliteFixture('nimbus-queue-store-'));
