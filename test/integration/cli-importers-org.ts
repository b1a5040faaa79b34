// The organization the cli-importers tests import into: a store of the test file's own (a PGlite folder in a temporary
// directory, or a PostgreSQL database when DATABASE_URL is set) and `acme`, created through the built binary.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

export interface ImportOrg {
  /** The temporary folder: the PGlite store is in `data/`, tests write their inputs beside it. */
  dir: string;
  /** The environment that points `steward` at the store. */
  env: NodeJS.ProcessEnv;
}

/** Registers the file's before and after hooks; the fields are set once `before` has run. */
export function useImportOrg(): ImportOrg {
  const org: ImportOrg = { dir: '', env: {} };
  let database: TestDatabase | undefined;
  before(async () => {
    database = await createTestDatabase();
    org.dir = mkdtempSync(join(tmpdir(), 'steward-cli-importers-'));
    org.env = { DATABASE_URL: database.url ?? '', STEWARD_DATA_DIR: join(org.dir, 'data') };
    const keys = await runBuiltCli(['keys', 'create', '--org', 'acme', '--user', 'alice'], org.env);
    assert.equal(keys.code, 0, keys.stderr);
  });
  after(async () => {
    if (org.dir) rmSync(org.dir, { recursive: true, force: true });
    await database?.drop();
  });
  return org;
}
