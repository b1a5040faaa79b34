// Help that says what a command does: the worker's jobs come from the list the jobs start from, and import preferences
// says what --skip-invalid changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/processes.js';
import { jobs } from '../../src/jobs/background-jobs.js';

// Help wraps to the terminal's width: compare with the spaces folded.
const helpOf = async (...command: string[]) => {
  const r = await runCli([...command, '--help']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
};

test('worker --help names every background job it runs', async () => {
  const help = await helpOf('worker');
  const named = help.match(/without HTTP \(([^)]*)\)/)?.[1];
  assert.deepEqual(
    named?.split(', '),
    jobs.map((job) => job.title),
  );
  assert.ok(named?.includes('planner statistics refresh'), help);
});

test('import preferences --help says that --skip-invalid writes the valid rows', async () => {
  const help = await helpOf('import', 'preferences');
  assert.doesNotMatch(help, /all rows valid, or nothing changes/);
  assert.match(help, /an invalid row leaves them as they are; with --skip-invalid the valid rows replace them/);
});
