// The embedded store serves one process. While the server holds it, `steward` commands reach the same store through
// a Unix socket in the data folder: each command runs as it would locally and sends its statements here. The socket
// is readable and writable by its owner only; whoever can open it could read the data folder itself.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Db, Queryable } from './db.js';
import {
  STORE_SOCKET_PROTOCOL,
  readFrames,
  storeSocketPath,
  toWireError,
  writeFrame,
  type StoreRequest,
  type StoreResponse,
} from './store-socket-protocol.js';

export interface StoreSocket {
  path: string;
  close(): Promise<void>;
}

type StatementRequest = Extract<StoreRequest, { op: 'query' | 'exec' }>;
type TxRequest = StatementRequest | Extract<StoreRequest, { op: 'commit' | 'rollback' }>;

/** A transaction held open for a client: its requests are run in order until commit or rollback. */
class HeldTransaction {
  private readonly waiting: TxRequest[] = [];
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    db: Db,
    private readonly reply: (response: StoreResponse) => void,
  ) {
    let ending: TxRequest | undefined;
    this.done = db
      .transaction(async (tx) => {
        for (;;) {
          const request = await this.next();
          if (request.op === 'query' || request.op === 'exec') {
            await answer(request.id, () => run(tx, request), this.reply);
            continue;
          }
          ending = request;
          if (request.op === 'rollback') throw new RolledBack();
          return;
        }
      })
      .then(
        () => ending && this.reply({ id: ending.id, ok: true, result: null }),
        (err) =>
          ending &&
          this.reply(err instanceof RolledBack ? { id: ending.id, ok: true, result: null } : { id: ending.id, ok: false, error: toWireError(err) }),
      );
  }

  push(request: TxRequest) {
    this.waiting.push(request);
    this.wake?.();
  }

  private async next(): Promise<TxRequest> {
    while (this.waiting.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.waiting.shift()!;
  }
}

class RolledBack extends Error {}

function run(target: Queryable, request: StatementRequest): Promise<unknown> {
  return request.op === 'query' ? target.query(request.sql, request.params) : target.exec(request.sql).then(() => null);
}

async function answer(id: number, work: () => Promise<unknown>, reply: (response: StoreResponse) => void): Promise<void> {
  try {
    reply({ id, ok: true, result: await work() });
  } catch (err) {
    reply({ id, ok: false, error: toWireError(err) });
  }
}

/** One client: its open transactions and held locks are given up when it goes away (a killed command writes nothing). */
function serveClient(db: Db, socket: Socket, settled: Set<Promise<unknown>>) {
  const transactions = new Map<number, HeldTransaction>();
  const locks = new Map<number, () => void>();
  let nextHandle = 1;
  const reply = (response: StoreResponse) => {
    if (!socket.destroyed) writeFrame(socket, response);
  };
  const track = (p: Promise<unknown>) => {
    settled.add(p);
    void p.finally(() => settled.delete(p));
  };

  readFrames(socket, (message) => {
    const request = message as StoreRequest;
    switch (request.op) {
      case 'hello':
        return reply(
          request.protocol === STORE_SOCKET_PROTOCOL
            ? { id: request.id, ok: true, result: { pid: process.pid, protocol: STORE_SOCKET_PROTOCOL } }
            : { id: request.id, ok: false, error: { message: `The server speaks store protocol ${STORE_SOCKET_PROTOCOL}`, fields: {} } },
        );
      case 'query':
      case 'exec':
      case 'commit':
      case 'rollback': {
        const txId = 'tx' in request ? request.tx : undefined;
        if (txId === undefined) return track(answer(request.id, () => run(db, request as StatementRequest), reply));
        const held = transactions.get(txId);
        if (!held) return reply({ id: request.id, ok: false, error: { message: `No open transaction ${txId}`, fields: {} } });
        if (request.op === 'commit' || request.op === 'rollback') transactions.delete(txId);
        return held.push(request);
      }
      case 'begin': {
        const txId = nextHandle++;
        const held = new HeldTransaction(db, reply);
        transactions.set(txId, held);
        track(held.done);
        return reply({ id: request.id, ok: true, result: txId });
      }
      case 'lock': {
        const lockId = nextHandle++;
        const held = db.withAdvisoryLock(
          request.key,
          () =>
            new Promise<void>((release) => {
              locks.set(lockId, release);
              reply({ id: request.id, ok: true, result: lockId });
            }),
        );
        return track(held);
      }
      case 'unlock':
        locks.get(request.lock)?.();
        locks.delete(request.lock);
        return reply({ id: request.id, ok: true, result: null });
    }
  });

  const abandon = () => {
    for (const [txId, held] of transactions) held.push({ id: -1, op: 'rollback', tx: txId });
    transactions.clear();
    for (const release of locks.values()) release();
    locks.clear();
  };
  socket.on('close', abandon);
  socket.on('error', () => socket.destroy());
}

function removeStale(path: string) {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Listens on the data folder's store socket. Call only while holding the folder's lock: a socket file found there is
 * then a dead server's, and is replaced.
 */
export async function openStoreSocket(db: Db, dataDir: string): Promise<StoreSocket> {
  const path = storeSocketPath(dataDir);
  removeStale(path);
  const clients = new Set<Socket>();
  const settled = new Set<Promise<unknown>>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    serveClient(db, socket, settled);
  });
  // The socket is created owner-only (umask), so no other user can connect between listen and chmod.
  const umask = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return {
    path,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of clients) socket.destroy();
      await closed;
      await Promise.allSettled([...settled]);
      removeStale(path);
    },
  };
}
