// The broker mapping repository's contract on PostgreSQL (cluster mode's store).
import { test } from 'node:test';
import { openPostgresFixture, requirePostgres } from '../helpers/postgres.js';
import { brokerMappingContract } from './broker-mapping-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL broker mapping contract', { skip }, () => undefined);
} else {
  brokerMappingContract('postgres', openPostgresFixture);
}
