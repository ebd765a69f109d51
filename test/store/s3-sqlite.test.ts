import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { s3RepositoryContract } from './s3-contract.js';

s3RepositoryContract('sqlite', () => openSqliteFixture('nimbus-s3-store-'));
