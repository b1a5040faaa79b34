import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportRun } from '../../src/cli/import-run.js';
import { RecordError } from '../../src/posture/resource.js';
import type { OnInvalid } from '../../src/ingest/invalid-records.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-import-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the run writes on stderr while `fn` runs. */
async function stderrOf(fn: () => Promise<void>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

/** A reading of the file that finds problems on the given lines. */
function reading(file: string, badLines: number[]) {
  return async function* (onInvalid: OnInvalid | undefined): AsyncIterable<number> {
    for (const line of [1, 2, 3, 4]) {
      if (badLines.includes(line)) onInvalid!(new RecordError(`${file} line ${line}`, 'id', 'is required'));
      else yield line;
    }
  };
}

test('--skip-invalid over two readings of a file: what both see is reported once; what only the second sees is reported too', async () => {
  const file = join(dir, 'resources.ndjson');
  writeFileSync(file, '{"type":"cloud_resource","id":"arn:aws:s3:::a","attributes":{}}\n');
  const run = new ImportRun('resources', { skipInvalid: true });
  const collect = async (badLines: number[]) => {
    const out: number[] = [];
    for await (const line of run.records(file, reading(file, badLines))) out.push(line);
    return out;
  };
  const checking = await stderrOf(async () => assert.deepEqual(await collect([2]), [1, 3, 4]));
  assert.equal(checking, `steward: skipped ${file} line 2, field id: is required\n`);
  // The file changed before the writing pass: line 3 went bad too.
  const writing = await stderrOf(async () => assert.deepEqual(await collect([2, 3]), [1, 4]));
  assert.equal(writing, `steward: skipped ${file} line 3, field id: is required\n`);
  assert.equal(run.skippedCount, 2);
});
