// The schedule repository contract on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { scheduleContract } from './schedule-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL schedule repository contract', { skip }, () => undefined);
} else {
  scheduleContract('postgres', openPostgresFixture);
}
