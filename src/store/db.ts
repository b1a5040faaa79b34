// One database interface over two engines that speak the same SQL: PGlite (embedded) and PostgreSQL.
export interface Queryable {
  /**
   * `prepared` names a statement whose text never changes: PostgreSQL keeps its plan per connection instead of planning
   * it on each call (the other engines ignore it). Only for statements whose plan does not depend on their values.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: T[]; affectedRows?: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface QueryOptions {
  prepared?: string;
}

/** What a listener hears: a notification, or that its connection was lost (notifications may be missed until `live`). */
export type StoreNotice = 'notify' | 'lost' | 'live';

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The process of the running server whose embedded store this is, when reached through its socket. */
  readonly servedBy?: number;
  /**
   * Runs a script of statements without parameters in one round trip and one implicit transaction; answers each
   * statement's rows in order. Absent on a store reached through a server's socket.
   */
  queryScript?(sql: string): Promise<Array<{ rows: Record<string, unknown>[] }>>;
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs fn while holding a PostgreSQL advisory lock (process-wide on PGlite, which has one process). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * Listens on a notification channel (LISTEN): `onNotice('live')` once listening, then 'notify' for each
   * notification, 'lost' when the listening connection failed (it reconnects, then 'live' again). Absent on a store
   * reached through a server's socket, which serves no requests of its own. Returns how to stop.
   */
  listen?(channel: string, onNotice: (notice: StoreNotice) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL to use; without it, the embedded store in `dataDir`. */
  databaseUrl?: string;
  /** The embedded store's folder, or 'memory://'. */
  dataDir?: string;
  /** Connections to PostgreSQL. */
  poolSize?: number;
}

export async function openDb(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.databaseUrl, options.poolSize);
  }
  if (!options.dataDir) throw new Error('openDb needs a DATABASE_URL or a data folder');
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.dataDir);
}

/** Whether the store answers (the readiness check). */
export async function pingStore(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
