import { mkdirSync, writeFileSync, linkSync, readFileSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** The file in the data folder naming the process that holds it. */
export const LOCK_FILE = 'steward.lock';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${pid}. PGlite serves one process: stop that process, or set DATABASE_URL to share a PostgreSQL server.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates `path` holding our pid, only if it does not exist; false when it does. The pid is written to a file of our
 * own first and then linked into place, so the file appears whole: no reader ever sees it empty.
 */
function createExclusive(path: string): boolean {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, String(process.pid));
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkIfPresent(draft);
  }
}

type Holder = { state: 'absent' } | { state: 'alive' | 'dead'; pid: number } | { state: 'unreadable'; text: string };

/** Who holds a lock file: nobody (no file), a live or dead process, or text that names no process. */
function holderOf(path: string): Holder {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    throw err;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'unreadable', text };
  return { state: pid === process.pid || isAlive(pid) ? 'alive' : 'dead', pid };
}

const sameHolder = (a: Holder, b: Holder) => JSON.stringify(a) === JSON.stringify(b);

function unlinkIfPresent(path: string) {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes a lock file whose holder is dead (or that names no process). Only the process holding the takeover file
 * (itself created exclusively) may remove it, and it re-reads the lock first: a process that saw the dead holder
 * earlier and comes second finds the winner's live lock instead, and leaves it alone. A takeover file is itself
 * stale only when the process it names is dead, so a slow process is never overtaken.
 */
function removeDeadLock(lockPath: string, seen: Holder) {
  const takeoverPath = `${lockPath}.takeover`;
  if (!createExclusive(takeoverPath)) {
    const taker = holderOf(takeoverPath);
    if (taker.state === 'dead' || taker.state === 'unreadable') {
      // A process died within its takeover: remove its file if it is still the one we saw.
      if (sameHolder(holderOf(takeoverPath), taker)) unlinkIfPresent(takeoverPath);
    } else {
      pause(5);
    }
    return;
  }
  try {
    if (sameHolder(holderOf(lockPath), seen)) unlinkIfPresent(lockPath);
  } finally {
    unlinkIfPresent(takeoverPath);
  }
}

/** Takes the folder's lock file (created exclusively) and returns its release; a lock left by a dead process is taken over. */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, LOCK_FILE);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (createExclusive(lockPath)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const holder = holderOf(lockPath);
        if (holder.state === 'alive' && holder.pid === process.pid) unlinkIfPresent(lockPath);
      };
      process.once('exit', release);
      return release;
    }
    const holder = holderOf(lockPath);
    if (holder.state === 'alive') throw new DataDirInUseError(dir, holder.pid);
    if (holder.state !== 'absent') removeDeadLock(lockPath, holder);
  }
  throw new Error(`Could not lock the data folder ${dir}`);
}
