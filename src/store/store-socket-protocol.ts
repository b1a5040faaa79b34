// The store socket's wire: length-prefixed frames of V8-serialized messages, so that what a query returns (Dates,
// BigInts, byte arrays, JSON values) arrives as the same values a local store would give.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Socket } from 'node:net';

export const STORE_SOCKET_PROTOCOL = 1;

export type StoreRequest =
  | { id: number; op: 'hello'; protocol: number }
  | { id: number; op: 'query'; tx?: number; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; tx?: number; sql: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'lock'; key: number }
  | { id: number; op: 'unlock'; lock: number };

export interface WireError {
  message: string;
  name?: string;
  /** What a database error carries beside its message (code, detail, constraint...), kept so callers can test them. */
  fields: Record<string, unknown>;
}

export type StoreResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

/** Unix socket paths are limited to about 100 bytes; a deeper data folder gets a socket named after it in the temp folder. */
const MAX_SOCKET_PATH = 100;

/** Where the server holding `dataDir` listens for commands; the same for the server and the CLI. */
export function storeSocketPath(dataDir: string): string {
  const dir = resolve(dataDir);
  const beside = join(dir, 'steward.sock');
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside;
  return join(tmpdir(), `steward-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
}

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { message: err.message, name: err.name, fields };
}

export function fromWireError(wire: WireError): Error {
  const err = Object.assign(new Error(wire.message), wire.fields);
  if (wire.name) err.name = wire.name;
  return err;
}

export function writeFrame(socket: Socket, message: StoreRequest | StoreResponse): void {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  socket.write(Buffer.concat([head, body]));
}

/** Calls `onMessage` for each whole frame that arrives on the socket. */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      const body = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      onMessage(deserialize(body));
    }
  });
}
