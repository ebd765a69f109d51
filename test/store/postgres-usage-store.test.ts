// The usage repository contract on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { usageContract } from './usage-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL usage repository contract', { skip }, () => undefined);
} else {
  usageContract('postgres', openPostgresFixture);
}
