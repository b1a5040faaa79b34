// Runs independent, CPU-bound bench tasks on worker threads, one per core, and gives their results in task order.
// Each worker loads TypeScript through tsx, as the bench runs, imports `moduleUrl` and calls its exported `run(task)`.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
const { register } = await import(workerData.tsxUrl);
register();
const { run } = await import(workerData.moduleUrl);
parentPort.on('message', async ({ index, task }) => {
  try {
    parentPort.postMessage({ index, result: await run(task) });
  } catch (err) {
    parentPort.postMessage({ index, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
`;

/**
 * Runs `run(task)` of the module at `moduleUrl` for every task, on up to `threads` workers (default: the cores), and
 * resolves with the results in the order of `tasks`; `onDone` is called as each finishes. A task that throws rejects
 * the whole run.
 */
export async function runOnWorkers<T, R>(
  moduleUrl: string,
  tasks: T[],
  options: { threads?: number; onDone?: (task: T, result: R, ms: number) => void } = {},
): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), tasks.length));
  let next = 0;
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
        workerData: { moduleUrl, tsxUrl: import.meta.resolve('tsx/esm/api') },
      }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let started = 0;
            const give = () => {
              if (next >= tasks.length) return resolve();
              const index = next++;
              started = performance.now();
              worker.postMessage({ index, task: tasks[index] });
            };
            worker.on('message', (m: { index: number; result?: R; error?: string }) => {
              if (m.error !== undefined) return reject(new Error(m.error));
              results[m.index] = m.result as R;
              options.onDone?.(tasks[m.index]!, m.result as R, performance.now() - started);
              give();
            });
            worker.on('error', reject);
            // A worker that dies without an error (process.exit, out of memory) would otherwise leave its task unanswered.
            worker.on('exit', (code) => reject(new Error(`a bench worker exited with code ${code} before its tasks were done`)));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
