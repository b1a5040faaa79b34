import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progressBar } from '../../src/cli/import-command.js';
import { readFilesWithProgress, writeInPhases, writeWithProgress, type ProgressFactory } from '../../src/cli/import-progress.js';

/** A stand-in for progressBar that records each bar's label, total, updates and whether it was stopped. */
function recordingBars() {
  const bars: Array<{ label: string; total: number; unit?: string; values: number[]; stopped: boolean }> = [];
  const factory: ProgressFactory = (label, total, unit) => {
    const bar = { label, total, unit, values: [] as number[], stopped: false };
    bars.push(bar);
    return { update: (value) => bar.values.push(value), stop: () => (bar.stopped = true) };
  };
  return { bars, factory };
}

test('reading: one bar over the bytes of every file, moved by each file read in turn and stopped at the end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-progress-'));
  try {
    const files = [join(dir, 'a.json'), join(dir, 'b.json')];
    writeFileSync(files[0], 'x'.repeat(300));
    writeFileSync(files[1], 'y'.repeat(200));
    const { bars, factory } = recordingBars();
    const read = async (file: string, onBytes: (n: number) => void) => {
      onBytes(100);
      return [file];
    };
    assert.deepEqual(await readFilesWithProgress(files, read, factory), files);
    assert.deepEqual(bars, [{ label: 'reading', total: 500, unit: undefined, values: [100, 300, 400, 500], stopped: true }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writing: the bar follows what the writer reports, and stops when the writer fails too', async () => {
  const { bars, factory } = recordingBars();
  const result = await writeWithProgress(
    2000,
    'resources',
    async (onWritten) => {
      onWritten(1000);
      onWritten(2000);
      return 'done';
    },
    factory,
  );
  assert.equal(result, 'done');
  assert.deepEqual(bars[0], { label: 'writing', total: 2000, unit: 'resources', values: [1000, 2000], stopped: true });
  await assert.rejects(
    writeWithProgress(1, 'findings', () => Promise.reject(new Error('store gone')), factory),
    /store gone/,
  );
  assert.equal(bars[1]!.stopped, true);
});

test('writing in phases: one bar per phase the writer reports, each stopped when the next begins, the last at the end or on failure', async () => {
  const { bars, factory } = recordingBars();
  const result = await writeInPhases<string, 'findings' | 'resources'>(
    async (onProgress) => {
      onProgress('findings', 0, 30);
      onProgress('findings', 30, 30);
      onProgress('resources', 0, 20);
      onProgress('resources', 20, 20);
      return 'done';
    },
    (phase) => (phase === 'findings' ? 'findings' : 'resources'),
    factory,
  );
  assert.equal(result, 'done');
  assert.deepEqual(bars, [
    { label: 'writing findings', total: 30, unit: 'findings', values: [0, 30], stopped: true },
    { label: 'writing resources', total: 20, unit: 'resources', values: [0, 20], stopped: true },
  ]);
  await assert.rejects(
    writeInPhases(
      async (onProgress) => {
        onProgress('findings', 0, 1);
        throw new Error('store gone');
      },
      undefined,
      factory,
    ),
    /store gone/,
  );
  assert.equal(bars[2]!.stopped, true);
});

test('progressBar draws nothing when stderr is not a terminal', (t) => {
  const write = t.mock.method(process.stderr, 'write');
  const tty = process.stderr.isTTY;
  process.stderr.isTTY = false;
  try {
    const bar = progressBar('reading', 10);
    bar.update(5);
    bar.stop();
  } finally {
    process.stderr.isTTY = tty;
  }
  assert.equal(write.mock.callCount(), 0);
});
