// The alias rules that need no server: routing validation in Lambda's words, the pick of
// a version by weight, and the split of provisioned instances between an alias's versions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFunctionVersion, checkRouting, pickVersion, splitByWeight } from '../../src/control/functions/alias-routing.js';
import { NimbusError } from '../../src/errors.js';

function fails(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof NimbusError && err.code === code && message.test(err.message));
}

test('routing config is checked as Lambda checks it', () => {
  assert.deepEqual(checkRouting('1', { '2': 0.25 }), { '2': 0.25 });
  assert.deepEqual(checkRouting('$LATEST', {}), {});
  fails(() => checkRouting('1', { '2': 0.1, '3': 0.1 }), 'InvalidParameterValueException', /^Number of items in AdditionalVersionWeights cannot be greater than 1$/);
  fails(() => checkRouting('1', { '2': 1.5 }), 'ValidationException', /Value '\{2=1.5\}' at 'routingConfig.additionalVersionWeights'/);
  fails(() => checkRouting('1', { '2': -0.1 }), 'ValidationException', /less than or equal to 1.0/);
  fails(() => checkRouting('1', { live: 0.5 }), 'ValidationException', /Map keys must satisfy constraint/);
  fails(() => checkRouting('1', { '1': 0.5 }), 'InvalidParameterValueException', /^Invalid function version 1. Function version 1 is already included in routing configuration.$/);
  fails(() => checkRouting('$LATEST', { '1': 0.5 }), 'InvalidParameterValueException', /^\$LATEST is not supported for an alias pointing to more than 1 version$/);
  fails(() => checkFunctionVersion('live'), 'ValidationException', /at 'functionVersion'/);
  assert.equal(checkFunctionVersion('$LATEST'), '$LATEST');
});

test('a call picks the additional version with its weight, else the primary', () => {
  const routing = { functionVersion: '1', additionalVersionWeights: { '2': 0.3 } };
  assert.equal(pickVersion(routing, 0), '2');
  assert.equal(pickVersion(routing, 0.2999), '2');
  assert.equal(pickVersion(routing, 0.3), '1');
  assert.equal(pickVersion(routing, 0.9999), '1');
  assert.equal(pickVersion({ functionVersion: '4', additionalVersionWeights: {} }, 0), '4');
  assert.equal(pickVersion({ functionVersion: '1', additionalVersionWeights: { '2': 1 } }, 0.9999), '2');
});

test('provisioned instances of an alias are shared by weight and add up to the request', () => {
  const split = (weights: Record<string, number>, count: number) => Object.fromEntries(splitByWeight({ functionVersion: '1', additionalVersionWeights: weights }, count));
  assert.deepEqual(split({}, 3), { '1': 3 });
  assert.deepEqual(split({ '2': 0.5 }, 4), { '2': 2, '1': 2 });
  assert.deepEqual(split({ '2': 0.1 }, 4), { '1': 4 });
  assert.deepEqual(split({ '2': 0.9 }, 3), { '2': 3 });
  assert.deepEqual(split({ '2': 1 }, 2), { '2': 2 });
});
