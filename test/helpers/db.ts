import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/store/db.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';

export interface TestDatabase {
  /** DATABASE_URL of the test's own database, or undefined on PGlite. */
  url?: string;
  /** The PGlite data folder to use when there is no DATABASE_URL ('memory://' for in-process use). */
  dataDir: string;
  drop(): Promise<void>;
}

/** Creates a database of the test's own on the PostgreSQL of DATABASE_URL (dropped by drop()), or stands for an in-memory PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) return { dataDir: 'memory://', drop: async () => {} };
  const name = `steward_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir: 'memory://',
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated store for one test file: PostgreSQL when DATABASE_URL is set, in-memory PGlite otherwise. */
export async function openTestStore(): Promise<{ db: Db; close(): Promise<void> }> {
  const t = await createTestDatabase();
  const db = await openDb({ databaseUrl: t.url, dataDir: t.dataDir });
  await migrate(db);
  return {
    db,
    async close() {
      await db.close();
      await t.drop();
    },
  };
}

/**
 * A store of the test's own as an older release left it, for testing an upgrade: its migrations applied only below
 * `version`. `migrateBelow(v)` applies those below v, every one when v is undefined, and answers the names applied.
 */
export async function openTestStoreBefore(version: number): Promise<{ db: Db; migrateBelow(v?: number): Promise<string[]>; close(): Promise<void> }> {
  const t = await createTestDatabase();
  const db = await openDb({ databaseUrl: t.url, dataDir: t.dataDir });
  const all = loadMigrations();
  const migrateBelow = (v?: number) => migrate(db, v === undefined ? all : all.filter((m) => m.version < v));
  await migrateBelow(version);
  return {
    db,
    migrateBelow,
    async close() {
      await db.close();
      await t.drop();
    },
  };
}

/** How many rows the planner believes a table holds (its last analysis; -1 or 0 before any). */
export async function plannerRows(db: Db, table: string): Promise<number> {
  return Number((await db.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1`, [table])).rows[0]!.n);
}
