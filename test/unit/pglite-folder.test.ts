import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_MEMORY, missingStoreReason } from '../../src/store/pglite-folder.js';
import { LOCK_FILE } from '../../src/store/data-dir-lock.js';

test('a data folder holds a store when it is a database cluster or a process holds it; otherwise it says why not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-pglite-folder-'));
  try {
    const at = (name: string) => join(dir, name);
    assert.equal(missingStoreReason(at('missing')), `the data folder ${at('missing')} does not exist`);
    writeFileSync(at('file'), '');
    assert.equal(missingStoreReason(at('file')), `${at('file')} is not a folder`);
    mkdirSync(at('empty'));
    assert.equal(missingStoreReason(at('empty')), `the data folder ${at('empty')} holds no store`);
    mkdirSync(at('cluster'));
    writeFileSync(join(at('cluster'), 'PG_VERSION'), '17\n');
    assert.equal(missingStoreReason(at('cluster')), undefined);
    // Held by a process that may be creating the store right now: opening it says who holds it.
    mkdirSync(at('held'));
    writeFileSync(join(at('held'), LOCK_FILE), String(process.pid));
    assert.equal(missingStoreReason(at('held')), undefined);
    assert.equal(missingStoreReason(IN_MEMORY), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
