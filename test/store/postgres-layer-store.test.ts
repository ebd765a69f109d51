// The layer repository's contract (layer-contract.ts) on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { layerContract } from './layer-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL layer contract', { skip }, () => undefined);
} else {
  layerContract('postgres', openPostgresFixture);
}
