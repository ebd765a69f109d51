// The notification plumbing on SQLite: see test/store/s3-outbox-contract.ts.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { s3OutboxContract } from '../store/s3-outbox-contract.js';

s3OutboxContract('sqlite', () => openSqliteFixture('nimbus-outbox-store-'));
