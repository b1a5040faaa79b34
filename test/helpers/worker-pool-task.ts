// A task for the worker pool's test: squares a number, or fails when asked to.
export function run(task: { n: number; fail?: boolean }): { n: number; square: number } {
  if (task.fail) throw new Error(`task ${task.n} failed`);
  return { n: task.n, square: task.n * task.n };
}
