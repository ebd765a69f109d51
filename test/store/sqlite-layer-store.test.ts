// The layer repository's contract (layer-contract.ts) on SQLite.
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import { layerContract } from './layer-contract.js';

layerContract('sqlite', () => openSqliteFixture('nimbus-layer-store-'));
