// MD5OfMessageAttributes as SQS computes it, against digests recorded from AWS
// (LocalStack's snapshots of real SQS responses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md5Hex, md5OfAttributes } from '../../src/queues/md5.js';

const string = (stringValue: string): { dataType: string; stringValue: string } => ({ dataType: 'String', stringValue });

test('string attributes: names sorted, each length-prefixed with its type and transport byte', () => {
  assert.equal(md5OfAttributes({ Foo: string('Bar') }), 'ae7155c6026991b6d54b11589678bf9c');
  const three = { 'Help.Me': string('Me'), General: string('Kenobi'), Hello: string('There') };
  assert.equal(md5OfAttributes(three), '4c360f3fdafd970e05fae2f149d997f5');
  assert.equal(md5OfAttributes({ Hello: string('There'), General: string('Kenobi') }), 'fca026605781cb4126a1e9044df24232');
  assert.equal(md5OfAttributes({ Hello: string('There') }), 'a311262e065454b75da111d535b8dacd');
});

test('binary attributes hash their bytes with transport byte 2', () => {
  const bytes = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
  assert.equal(md5OfAttributes({ attr1: { dataType: 'Binary', binaryValue: bytes.toString('base64') } }), '8cbe4db156db8a94db8b801b7addb984');
});

test('no attributes: no digest; the body digest is the MD5 of its UTF-8 bytes', () => {
  assert.equal(md5OfAttributes({}), undefined);
  assert.equal(md5Hex('msg'), '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(md5Hex('message-body-1'), '19c9e282d65f9733bc6b35d50062c7ee');
});
