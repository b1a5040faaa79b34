import { openDb, type Db } from '../store/db.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { migrate } from '../store/migrate.js';
import { findOrg } from '../store/orgs.js';
import { DataDirInUseError } from '../store/data-dir-lock.js';
import { openStoreOfHolder } from '../store/store-socket-client.js';
import { missingStoreReason } from '../store/pglite-folder.js';

export interface StoreUse {
  /**
   * The command may make the store (`keys create`, `migrate`). Every other command reads, or changes only what a store
   * already holds: without one it ends with an error instead of creating an empty one (run from another folder,
   * `./data` would be a new store).
   */
  create?: boolean;
}

/** Opens the store (PGlite folder or DATABASE_URL), brings its schema up to date, runs fn, closes it. */
export async function withStore<T>(fn: (db: Db) => Promise<T>, use: StoreUse = {}): Promise<T> {
  const db = await openConfiguredDb(use);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * The store the environment names (DATABASE_URL, or the PGlite folder STEWARD_DATA_DIR). When a running server holds
 * the PGlite folder, its store is reached through the server's socket, so commands work beside `npm start`.
 */
export async function openConfiguredDb(use: StoreUse = {}): Promise<Db> {
  const config = configuration();
  if (!use.create && !config.databaseUrl) requireEmbeddedStore(config.dataDir);
  try {
    return await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.pgPoolSize });
  } catch (err) {
    if (err instanceof DataDirInUseError) return openStoreOfHolder(err).catch((e: unknown) => Promise.reject(new CliError((e as Error).message)));
    throw err;
  }
}

/** Ends the command when the embedded store's folder holds no store, saying which folder and how to name another. */
function requireEmbeddedStore(dataDir: string) {
  const reason = missingStoreReason(dataDir);
  if (reason === undefined) return;
  throw new CliError(
    `No store: ${reason}. The embedded store is STEWARD_DATA_DIR, or ./data in the current folder: ` +
      'run this from the folder where the service keeps its data, or set STEWARD_DATA_DIR to it (or DATABASE_URL to its PostgreSQL). Nothing was created.',
  );
}

export async function requireOrg(db: Db, name: string): Promise<string> {
  const org = await findOrg(db, name);
  if (!org) throw new CliError(`No organization named "${name}". Create it with: steward keys create --org ${name} --user HANDLE`);
  return org.org_id;
}

/** An error whose message is for the person at the terminal; printed without a stack trace. */
export class CliError extends Error {}

/** The settings of the environment; a setting that cannot be used is the user's mistake, said without a stack trace. */
export function configuration(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

/** The settings of the environment, or the command ends saying which setting cannot be used. */
export function configurationOrExit(): Config {
  try {
    return configuration();
  } catch (err) {
    return failWith(err);
  }
}

/**
 * Text for the terminal with its control characters (but line breaks and tabs) escaped as `\uXXXX`: messages quote
 * input files (JSON.parse's excerpt of a bad line), whose escape sequences would otherwise reach the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Prints the error (and a hint on what to do, if any) and exits: 2 for the user's mistakes, 1 otherwise. */
export function failWith(err: unknown, hint?: string): never {
  const message = printable(err instanceof Error ? err.message : String(err));
  process.stderr.write(`steward: ${message}\n${hint ? `steward: ${hint}\n` : ''}`);
  process.exit(err instanceof CliError ? 2 : 1);
}
