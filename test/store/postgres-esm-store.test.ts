// The event source mapping repository's contract on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { esmRepositoryContract } from './esm-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL event source mapping contract', { skip }, () => undefined);
} else {
  esmRepositoryContract('postgres', openPostgresFixture);
}
