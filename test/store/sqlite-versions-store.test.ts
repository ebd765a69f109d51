import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { versionsContract } from './versions-contract.js';

versionsContract('sqlite', () => openSqliteFixture('nimbus-versions-store-'));
