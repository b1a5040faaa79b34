import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnWorkers } from '../../bench/lib/worker-pool.js';

const taskModule = new URL('../helpers/worker-pool-task.ts', import.meta.url).href;

test('bench tasks on worker threads: every result, in the order of the tasks, each reported as it finishes', async () => {
  const tasks = Array.from({ length: 7 }, (_, n) => ({ n }));
  const reported: number[] = [];
  const results = await runOnWorkers<{ n: number }, { n: number; square: number }>(taskModule, tasks, {
    threads: 3,
    onDone: (task, result) => {
      assert.equal(result.n, task.n);
      reported.push(task.n);
    },
  });
  assert.deepEqual(
    results,
    tasks.map(({ n }) => ({ n, square: n * n })),
  );
  assert.deepEqual(
    reported.sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6],
  );
});

test('a bench task that throws fails the run with its error', async () => {
  await assert.rejects(runOnWorkers(taskModule, [{ n: 1 }, { n: 2, fail: true }, { n: 3 }], { threads: 2 }), /task 2 failed/);
});

test('a bench worker that ends without an error fails the run instead of leaving it waiting', async () => {
  await assert.rejects(runOnWorkers(taskModule, [{ n: 1 }, { n: 2, exit: true }, { n: 3 }], { threads: 2 }), /exited with code 3/);
});
