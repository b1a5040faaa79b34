// A task for the worker pool's test: squares a number, or fails or ends its worker when asked to.
export function run(task: { n: number; fail?: boolean; exit?: boolean }): { n: number; square: number } {
  if (task.fail) throw new Error(`task ${task.n} failed`);
  if (task.exit) process.exit(3);
  return { n: task.n, square: task.n * task.n };
}
