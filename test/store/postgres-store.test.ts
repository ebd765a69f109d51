// Every store contract suite on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { storeContract } from './store-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL store contract', { skip }, () => undefined);
} else {
  storeContract('postgres', openPostgresFixture);
}
