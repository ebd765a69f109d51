// The access key repository's contract (access-key-contract.ts) on PostgreSQL, including
// cluster nodes sharing one schema (the platform secret must be one value for all).
import { test } from 'node:test';
import { openPostgresFixture, openPostgresNodes, requirePostgres } from '../helpers/postgres.js';
import { accessKeyContract } from './access-key-contract.js';

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL access key contract', { skip }, () => undefined);
} else {
  accessKeyContract('postgres', openPostgresFixture, openPostgresNodes);
}
