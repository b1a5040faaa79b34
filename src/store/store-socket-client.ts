// The store of a running server, reached through its socket: the same Db a command would open itself, so every
// command gives the same output, progress and errors either way.
import { connect, type Socket } from 'node:net';
import type { Db, Queryable } from './db.js';
import {
  STORE_SOCKET_PROTOCOL,
  fromWireError,
  readFrames,
  storeSocketPath,
  writeFrame,
  type StoreRequest,
  type StoreResponse,
} from './store-socket-protocol.js';
import { isAlive, type DataDirInUseError } from './data-dir-lock.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<StoreRequest>;

function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Opens the store of the server listening on `path`; throws (ENOENT, ECONNREFUSED) when none listens there. */
export async function openStoreThroughSocket(path: string): Promise<Db> {
  const socket = await connectSocket(path);
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  let lost: Error | undefined;

  readFrames(socket, (message) => {
    const response = message as StoreResponse;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.result);
    else waiter.reject(fromWireError(response.error));
  });
  const fail = (err: Error) => {
    lost ??= err;
    for (const waiter of pending.values()) waiter.reject(lost);
    pending.clear();
  };
  socket.on('error', (err) => fail(new Error(`The connection to the server's store failed: ${err.message}`)));
  socket.on('close', () => fail(new Error('The server closed the connection to its store (it stopped, or was stopped, mid-command)')));

  const call = <T>(request: Request): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (lost) return reject(lost);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      writeFrame(socket, { ...request, id } as StoreRequest);
    });

  const { pid } = await call<{ pid: number }>({ op: 'hello', protocol: STORE_SOCKET_PROTOCOL });

  const queryable = (tx?: number): Queryable => ({
    query: (sql, params) => call({ op: 'query', sql, params, ...(tx === undefined ? {} : { tx }) }),
    exec: (sql) => call({ op: 'exec', sql, ...(tx === undefined ? {} : { tx }) }),
  });

  return {
    kind: 'pglite',
    servedBy: pid,
    ...queryable(),
    async transaction(fn) {
      const tx = await call<number>({ op: 'begin' });
      let result;
      try {
        result = await fn(queryable(tx));
      } catch (err) {
        await call({ op: 'rollback', tx }).catch(() => {});
        throw err;
      }
      await call({ op: 'commit', tx });
      return result;
    },
    async withAdvisoryLock(key, fn) {
      const lock = await call<number>({ op: 'lock', key });
      try {
        return await fn();
      } finally {
        await call({ op: 'unlock', lock }).catch(() => {});
      }
    },
    async close() {
      fail(new Error("The connection to the server's store is closed"));
      await new Promise<void>((resolve) => socket.end(resolve));
    },
  };
}

/** How long a command waits for a server that holds the data folder but is still starting to open its socket. */
const SOCKET_WAIT_MS = 15_000;

/**
 * The store of the process holding the data folder, through its socket. A server opens its socket right after the
 * store, so a command started with the server waits for it; a holder that never opens one (another command) is
 * reported as the lock's error says, with what to do.
 */
export async function openStoreOfHolder(inUse: DataDirInUseError): Promise<Db> {
  const path = storeSocketPath(inUse.dataDir);
  const deadline = Date.now() + SOCKET_WAIT_MS;
  for (;;) {
    try {
      return await openStoreThroughSocket(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw err;
      if (!isAlive(inUse.pid) || Date.now() > deadline) {
        throw new Error(
          `${inUse.message} It takes no commands (no server socket at ${path}); it may be another steward command: wait for it to finish.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
