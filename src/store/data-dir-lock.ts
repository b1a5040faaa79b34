import { mkdirSync, openSync, writeSync, closeSync, readFileSync, unlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The data folder ${dataDir} is in use by process ${pid}. PGlite serves one process: stop that process, or set DATABASE_URL to share a PostgreSQL server.`);
    this.name = 'DataDirInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `path` holding our pid, only if it does not exist; false when it does. */
function createExclusive(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The pid a lock file names, or undefined when it is gone or unreadable (being written). */
function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function unlinkIfPresent(path: string) {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A takeover left by a process that died within it is abandoned after this long. */
const TAKEOVER_STALE_MS = 5000;

/**
 * Removes the lock file of a dead holder. Only the process holding the takeover file (created exclusively) may
 * remove it, and it re-reads the lock first: a process that saw the dead holder earlier, and comes second, finds
 * the winner's live lock instead and leaves it alone.
 */
function removeDeadLock(lockPath: string, deadPid: number | undefined) {
  const takeoverPath = `${lockPath}.takeover`;
  if (!createExclusive(takeoverPath)) {
    if (ageMs(takeoverPath) > TAKEOVER_STALE_MS) unlinkIfPresent(takeoverPath);
    pause(10);
    return;
  }
  try {
    if (holderOf(lockPath) === deadPid) unlinkIfPresent(lockPath);
  } finally {
    unlinkIfPresent(takeoverPath);
  }
}

/** Takes the folder's lock file (created exclusively) and returns its release; a lock left by a dead process is taken over. */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'steward.lock');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (createExclusive(lockPath)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (holderOf(lockPath) === process.pid) unlinkIfPresent(lockPath);
      };
      process.once('exit', release);
      return release;
    }
    const holder = holderOf(lockPath);
    if (holder === undefined) {
      // Gone, or its creator has not written its pid yet; a file that names no process for long is taken over.
      if (ageMs(lockPath) > TAKEOVER_STALE_MS) removeDeadLock(lockPath, undefined);
      else pause(5);
      continue;
    }
    if (holder === process.pid || isAlive(holder)) throw new DataDirInUseError(dir, holder);
    removeDeadLock(lockPath, holder);
  }
  throw new Error(`Could not lock the data folder ${dir}`);
}
