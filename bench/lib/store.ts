// The store a benchmark runs on: embedded PGlite in a temp data folder (removed afterwards), or a database of its
// own on the PostgreSQL of DATABASE_URL (dropped afterwards).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

export interface BenchStore {
  kind: 'pglite' | 'postgres';
  /** Where to open it again (the server opens its own connection). */
  databaseUrl?: string;
  dataDir: string;
  open(): Promise<Db>;
  /** Removes the data folder or drops the database. */
  remove(): Promise<void>;
}

export async function createBenchStore(label: string): Promise<BenchStore> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const dataDir = mkdtempSync(join(tmpdir(), `steward-bench-${label}-`));
    return {
      kind: 'pglite',
      dataDir,
      open: () => openMigrated({ dataDir }),
      remove: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `steward_bench_${label.replace(/\W/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    databaseUrl: url.toString(),
    dataDir: 'memory://',
    open: () => openMigrated({ databaseUrl: url.toString() }),
    remove: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function openMigrated(o: { dataDir?: string; databaseUrl?: string }): Promise<Db> {
  const db = await openDb(o.databaseUrl ? { databaseUrl: o.databaseUrl } : { dataDir: o.dataDir!, databaseUrl: undefined });
  await migrate(db);
  return db;
}

async function adminQuery(base: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export function storeKind(): 'pglite' | 'postgres' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}
