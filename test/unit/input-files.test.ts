import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandInputs } from '../../src/ingest/input-files.js';
import { inputFileError } from '../../src/cli/input-file-errors.js';
import { CliError } from '../../src/cli/with-store.js';
import { fixturePath } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-input-files-'));
const isState = (name: string) => name.endsWith('.tfstate');

test('expandInputs reads each folder and file once: a link loop ends, a link to a parent folder is not followed', () => {
  const loop = join(dir, 'loop');
  mkdirSync(join(loop, 'nested'), { recursive: true });
  copyFileSync(fixturePath('terraform-state', 'aws_kms_key.tfstate'), join(loop, 'a.tfstate'));
  copyFileSync(fixturePath('terraform-state', 'aws_kms_alias.tfstate'), join(loop, 'nested', 'b.tfstate'));
  writeFileSync(join(dir, 'outside.tfstate'), '{}');
  symlinkSync('..', join(loop, 'up'));
  symlinkSync('..', join(loop, 'nested', 'back'));
  symlinkSync('a.tfstate', join(loop, 'same.tfstate'));
  symlinkSync('nested', join(loop, 'twin'));
  assert.deepEqual(expandInputs([loop], isState), [join(loop, 'a.tfstate'), join(loop, 'nested', 'b.tfstate')]);
  assert.deepEqual(expandInputs([join(loop, 'a.tfstate'), loop, join(loop, 'same.tfstate')], isState), [
    join(loop, 'a.tfstate'),
    join(loop, 'nested', 'b.tfstate'),
  ]);
});

test('a link that points to itself is named as a loop', () => {
  const self = join(dir, 'self.tfstate');
  symlinkSync('self.tfstate', self);
  let error: unknown;
  try {
    expandInputs([self]);
  } catch (caught) {
    error = caught;
  }
  const message = inputFileError(error);
  assert.ok(message instanceof CliError);
  assert.equal(message.message, `Symbolic link loop: ${self}`);
});
