// The broker mapping repository's contract (test/store/broker-mapping-contract.ts) on SQLite.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { brokerMappingContract } from './broker-mapping-contract.js';

brokerMappingContract('sqlite', () => openSqliteFixture('nimbus-broker-'));
