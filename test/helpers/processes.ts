import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_CLI = ['--import', 'tsx', 'src/cli/main.ts'];
/** The compiled command as installed (`npm test` builds it first with `npm run build:server`). */
const BUILT_CLI = ['dist/cli/main.js'];
/**
 * The command the tests run: from source, so that a test run on its own sees the code as it is, or the built one where
 * the test runner knows it was just built (`npm test` sets STEWARD_TEST_BUILT_CLI): it starts in a third of the time,
 * and the tests start it hundreds of times.
 */
const CLI = process.env.STEWARD_TEST_BUILT_CLI === '1' ? BUILT_CLI : SOURCE_CLI;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the steward command (CLI: from source, or built under `npm test`) as a child process, the way a person would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return runCommand([...CLI, ...args], env, input);
}

/** Runs the built steward binary (`dist/cli/main.js`), as `npx steward` would after `npm install`. */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return runCommand([...BUILT_CLI, ...args], env, input);
}

function runCommand(nodeArgs: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** What the process wrote (JSON log lines). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns a long-running steward command and waits until `ready(output)` holds; fails if it exits or is not ready
 * within 30 s (and kills it).
 */
async function startLongRunning(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (output: string) => Promise<boolean> | boolean,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, STEWARD_LOG_LEVEL: 'info', ...env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!(await ready(out))) {
    if (child.exitCode !== null) throw new Error(`steward ${args[0]} exited early (${child.exitCode}): ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`steward ${args[0]} did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `steward serve` (with `serveArgs`, e.g. `--no-jobs`) as its own process and waits until /health answers. */
export async function startServerProcess(env: NodeJS.ProcessEnv, serveArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const answers = async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false; // not listening yet
    }
  };
  const started = await startLongRunning(['serve', ...serveArgs], { HOST: '127.0.0.1', ...env, PORT: String(port) }, answers);
  return { url, ...started };
}

/** Starts `steward worker` as its own process and waits for its `worker started` log line (so it logs at info). */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  return startLongRunning(['worker'], env, (output) => output.includes('worker started'));
}
