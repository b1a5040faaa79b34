// Ready for a distributed PostgreSQL (docs/SCALING.md): with org_id as the distribution column, every key must start
// with org_id so the database can enforce it within one shard, every foreign key between distributed tables must carry
// org_id on both sides, and no statement of the store may combine rows of two organizations (a join that Citus could not
// run within one shard, and a tenant leak on any PostgreSQL). The schema is read live, after every migration, from
// pg_catalog; the store's SQL is read from src/store/*.ts by test/helpers/org-scoped-sql.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { checkOrgScopedSql, checkSources, extractSql } from '../helpers/org-scoped-sql.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The reference tables: small, replicated whole to every node, read without knowing the organization. Nothing else.
 * Each may be joined to any distributed table (Citus joins a reference table locally on every node).
 */
const REFERENCE_TABLES: Record<string, string> = {
  // One row per organization; its name is unique across organizations (ensureOrg, `--org <name>`), which only a
  // table kept whole can enforce, and the cross-organization jobs start from it.
  orgs: 'the organizations themselves',
  // Authentication reads a key by its hash before it knows the organization (the key is the only thing a request
  // carries), and a hash must be unique across organizations: a key per user or integration, so it stays small.
  api_keys: 'read by key hash before the organization is known',
  // Secrets of the deployment (the cursor signing key), of no organization.
  server_secrets: 'deployment-wide secrets',
  // The migration ledger (src/store/migrate.ts), of no organization.
  schema_migrations: 'the migration ledger',
};

/**
 * Statements allowed to combine rows of organizations that the checker cannot prove equal: file#function, and why each
 * still touches one organization's rows per row. None today; a cross-organization job that needs one (a sweep over every
 * organization, each row joined to rows of its own) is added here with its reason.
 */
const CROSS_ORG_EXCEPTIONS: Record<string, string> = {};

/** What the schema `schema` would need changed to be distributed by org_id, given its reference tables. */
async function schemaProblems(db: Queryable, schema: string, reference: ReadonlySet<string>): Promise<string[]> {
  const problems: string[] = [];
  const tables = (
    await db.query<{ table_name: string; org_type: string | null }>(
      `SELECT c.relname AS table_name,
         (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND a.attnum > 0 AND NOT a.attisdropped) AS org_type
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`,
      [schema],
    )
  ).rows;
  const names = new Set(tables.map((t) => t.table_name));
  for (const r of reference) if (!names.has(r)) problems.push(`reference table ${r} is not in the schema (a stale entry)`);

  for (const t of tables) {
    if (reference.has(t.table_name)) continue;
    if (t.org_type === null) problems.push(`${t.table_name} has no org_id column and is not a reference table`);
    // One type everywhere: Citus co-locates tables whose distribution columns have the same type.
    else if (t.org_type !== 'uuid') problems.push(`${t.table_name}.org_id is ${t.org_type}, not uuid`);
  }

  const indexes = (
    await db.query<{ table_name: string; index_name: string; is_primary: boolean; first_column: string | null; definition: string }>(
      `SELECT t.relname AS table_name, ic.relname AS index_name, i.indisprimary AS is_primary,
         (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS first_column,
         pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relkind IN ('r', 'p') AND (i.indisunique OR i.indisprimary)
       ORDER BY t.relname, ic.relname`,
      [schema],
    )
  ).rows;
  for (const t of tables) {
    if (reference.has(t.table_name)) continue;
    // Shard moves replicate rows by their primary key.
    if (!indexes.some((i) => i.table_name === t.table_name && i.is_primary)) problems.push(`${t.table_name} has no primary key`);
  }
  for (const i of indexes) {
    if (reference.has(i.table_name) || i.first_column === 'org_id') continue;
    problems.push(`${i.is_primary ? 'primary key' : 'unique index'} ${i.index_name} of ${i.table_name} does not start with org_id: ${i.definition}`);
  }

  const foreignKeys = (
    await db.query<{ name: string; table_name: string; ref_table: string; columns: string[]; ref_columns: string[] }>(
      `SELECT con.conname AS name, t.relname AS table_name, r.relname AS ref_table,
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
         ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS ref_columns
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE con.contype = 'f' AND n.nspname = $1
       ORDER BY con.conname`,
      [schema],
    )
  ).rows;
  for (const fk of foreignKeys) {
    const what = `foreign key ${fk.name} of ${fk.table_name} (${fk.columns.join(', ')}) -> ${fk.ref_table} (${fk.ref_columns.join(', ')})`;
    if (reference.has(fk.ref_table)) continue; // any table may point at a reference table
    if (reference.has(fk.table_name)) problems.push(`${what}: a reference table cannot point at a distributed table`);
    else if (fk.columns.indexOf('org_id') < 0 || fk.columns.indexOf('org_id') !== fk.ref_columns.indexOf('org_id'))
      problems.push(`${what}: does not match org_id to org_id`);
  }
  return problems;
}

test('the schema after every migration can be distributed by org_id: keys start with it, foreign keys carry it', async () => {
  const store = await openTestStore();
  try {
    assert.deepEqual(await schemaProblems(store.db, 'public', new Set(Object.keys(REFERENCE_TABLES))), []);
  } finally {
    await store.close();
  }
});

test('the schema check finds keys, unique indexes, foreign keys and tables that could not be distributed', async () => {
  const store = await openTestStore();
  try {
    await store.db.exec(`
      CREATE SCHEMA citus_probe;
      CREATE TABLE citus_probe.tenants (org_id uuid PRIMARY KEY, name text UNIQUE);
      CREATE TABLE citus_probe.good (org_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (org_id, id));
      CREATE UNIQUE INDEX good_by_id ON citus_probe.good (id);
      CREATE TABLE citus_probe.bad_pk (id int PRIMARY KEY, org_id uuid NOT NULL);
      CREATE TABLE citus_probe.bad_unique (org_id uuid NOT NULL, id int NOT NULL, email text, PRIMARY KEY (org_id, id));
      CREATE UNIQUE INDEX bad_unique_email ON citus_probe.bad_unique (lower(email));
      CREATE TABLE citus_probe.no_pk (org_id uuid NOT NULL, x int);
      CREATE TABLE citus_probe.no_org (x int PRIMARY KEY);
      CREATE TABLE citus_probe.text_org (org_id text PRIMARY KEY);
      CREATE TABLE citus_probe.fk_bad (org_id uuid NOT NULL, id int NOT NULL, good_id int REFERENCES citus_probe.good (id), PRIMARY KEY (org_id, id));
      CREATE TABLE citus_probe.fk_crossed (org_id uuid NOT NULL, id int NOT NULL, other uuid NOT NULL, PRIMARY KEY (org_id, id),
        FOREIGN KEY (other, id) REFERENCES citus_probe.good (org_id, id));
      CREATE TABLE citus_probe.fk_good (org_id uuid NOT NULL, id int NOT NULL, good_id int, PRIMARY KEY (org_id, id),
        FOREIGN KEY (org_id, good_id) REFERENCES citus_probe.good (org_id, id));
      CREATE TABLE citus_probe.fk_to_reference (org_id uuid NOT NULL REFERENCES citus_probe.tenants (org_id), id int NOT NULL, PRIMARY KEY (org_id, id));
    `);
    const problems = await schemaProblems(store.db, 'citus_probe', new Set(['tenants', 'gone']));
    const about = (name: string) => problems.filter((p) => p.includes(name));
    assert.equal(about('reference table gone').length, 1);
    assert.equal(about('primary key bad_pk_pkey').length, 1);
    assert.equal(about('unique index bad_unique_email').length, 1);
    assert.equal(about('unique index good_by_id').length, 1);
    assert.equal(about('no_pk has no primary key').length, 1);
    assert.equal(about('no_org has no org_id column').length, 1);
    assert.equal(about('text_org.org_id is text').length, 1);
    assert.equal(about('of fk_bad').length, 1);
    assert.equal(about('of fk_crossed').length, 1);
    for (const fine of ['tenants', 'fk_good', 'fk_to_reference', 'good_pkey']) assert.deepEqual(about(fine), [], fine);
    assert.equal(problems.length, 10, problems.join('\n'));
  } finally {
    await store.db.exec('DROP SCHEMA IF EXISTS citus_probe CASCADE');
    await store.close();
  }
});

test('no statement of the store combines rows of two organizations', async () => {
  const store = await openTestStore();
  try {
    const columns = (
      await store.db.query<{ table_name: string; has_org: boolean }>(
        `SELECT table_name::text AS table_name, bool_or(column_name = 'org_id') AS has_org FROM information_schema.columns
         WHERE table_schema = 'public' GROUP BY table_name`,
      )
    ).rows;
    const tables = new Set(columns.map((c) => c.table_name));
    const orgTables = new Set(columns.filter((c) => c.has_org).map((c) => c.table_name));

    const dir = join(ROOT, 'src', 'store');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => join(dir, f));
    const sources = extractSql(files, ROOT);
    // Every module that queries has its statements read (a module whose SQL the extraction missed would pass unread).
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (/\.(query|exec)\s*[<(]/.test(text) && /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b/.test(text))
        assert.ok(
          sources.some((s) => join(ROOT, s.file) === file),
          `no statement read from ${file}`,
        );
    }
    assert.ok(sources.length > 100, `only ${sources.length} statements read`);

    const violations = checkSources(sources, orgTables, tables);
    const unexplained = violations.filter((v) => !(`${v.file}#${v.fn}` in CROSS_ORG_EXCEPTIONS));
    assert.deepEqual(
      unexplained.map((v) => `${v.file}:${v.line} ${v.fn}: ${v.message}\n${v.sql}`),
      [],
    );
    for (const key of Object.keys(CROSS_ORG_EXCEPTIONS))
      assert.ok(
        violations.some((v) => `${v.file}#${v.fn}` === key),
        `${key} is listed as an exception but no longer needs to be`,
      );
  } finally {
    await store.close();
  }
});

const ORG_TABLES = new Set(['orgs', 'findings', 'finding_states', 'resources', 'resource_versions', 'ownership_inferences', 'ownership_history']);
const TABLES = new Set([...ORG_TABLES, 'server_secrets']);
const check = (sql: string) => checkOrgScopedSql(sql, ORG_TABLES, TABLES);

test('the SQL check fails joins, comma joins, subqueries, CTEs and writes that do not prove org_id equal', () => {
  const bad = [
    // A join on the finding id alone: another organization's state of a finding with the same id.
    `SELECT * FROM findings f JOIN finding_states s ON s.finding_id = f.finding_id WHERE f.org_id = $1`,
    `SELECT * FROM findings f, finding_states s WHERE s.finding_id = f.finding_id AND f.org_id = $1`,
    // Two parameters: nothing says they are the same organization.
    `SELECT * FROM findings f, finding_states s WHERE s.finding_id = f.finding_id AND f.org_id = $1 AND s.org_id = $2`,
    // An equality under OR holds for some rows only.
    `SELECT * FROM findings f JOIN finding_states s ON s.finding_id = f.finding_id AND (s.org_id = f.org_id OR s.muted)`,
    `SELECT r.resource_id FROM resources r WHERE r.org_id = $1
       AND EXISTS (SELECT 1 FROM ownership_inferences i WHERE i.resource_id = r.resource_id)`,
    `SELECT resource_id FROM resources WHERE org_id = $1 AND resource_id IN (SELECT resource_id FROM ownership_inferences WHERE org_id = $2)`,
    `WITH x AS (SELECT resource_id FROM resources WHERE org_id = $1)
     SELECT * FROM x JOIN ownership_inferences i ON i.resource_id = x.resource_id`,
    `WITH x AS (SELECT org_id, resource_id FROM resources) SELECT * FROM x a JOIN x b ON a.resource_id = b.resource_id`,
    `SELECT * FROM (SELECT resource_id FROM resources WHERE org_id = $1 UNION ALL SELECT resource_id FROM resources WHERE org_id = $2) u
       JOIN resources r ON r.org_id = $1 AND r.resource_id = u.resource_id`,
    `SELECT * FROM findings f LEFT JOIN LATERAL (SELECT * FROM resources r WHERE r.resource_id = f.resource_id) x ON true WHERE f.org_id = $1`,
    `UPDATE resource_versions v SET name = r.name FROM resources r WHERE r.resource_id = v.resource_id AND v.org_id = $1`,
    `DELETE FROM resources r USING findings f WHERE f.resource_id = r.resource_id AND f.org_id = $1`,
    `INSERT INTO finding_states (org_id, finding_id) SELECT $2, f.finding_id FROM findings f WHERE f.org_id = $1`,
    // A fragment the store composes into a larger query: its correlation to the enclosing row lacks org_id.
    `(SELECT h.owner_handle FROM ownership_history h WHERE h.resource_id = finding_states.resource_id ORDER BY h.id DESC LIMIT 1)`,
    `((SELECT h.confidence FROM ownership_history h WHERE h.org_id = $1 AND h.resource_id = s.resource_id) > $2) IS TRUE`,
    // A relation the extraction could not see into may hold any organization's rows.
    `SELECT * FROM ⟪someTable⟫ t JOIN findings f ON f.finding_id = t.finding_id WHERE f.org_id = $1`,
  ];
  for (const sql of bad) assert.notDeepEqual(check(sql), [], sql);

  const good = [
    `SELECT * FROM findings f JOIN finding_states s ON s.org_id = f.org_id AND s.finding_id = f.finding_id WHERE f.org_id = $1`,
    `SELECT * FROM findings f, finding_states s WHERE s.finding_id = f.finding_id AND f.org_id = $1 AND s.org_id = $1::uuid`,
    `SELECT * FROM findings f JOIN resources r USING (org_id, resource_id)`,
    `SELECT r.resource_id FROM resources r WHERE r.org_id = $1 AND (r.deleted_at IS NULL
       OR EXISTS (SELECT 1 FROM ownership_inferences i WHERE i.org_id = r.org_id AND i.resource_id = r.resource_id))`,
    `WITH x AS (SELECT resource_id FROM resources WHERE org_id = $1),
          y AS (SELECT resource_id, count(*) AS n FROM x GROUP BY 1)
     SELECT * FROM x JOIN y ON y.resource_id = x.resource_id LEFT JOIN ownership_inferences i ON i.org_id = $1 AND i.resource_id = x.resource_id`,
    `SELECT * FROM (SELECT resource_id FROM resources WHERE org_id = $1 AND valid UNION ALL SELECT resource_id FROM resources WHERE org_id = $1) u
       JOIN resources r ON r.org_id = $1 AND r.resource_id = u.resource_id`,
    `SELECT (SELECT count(*) FROM findings WHERE org_id = $1) + (SELECT count(*) FROM resources WHERE org_id = $1) AS total`,
    `UPDATE resource_versions v SET name = r.name FROM resources r WHERE r.org_id = v.org_id AND r.resource_id = v.resource_id`,
    `INSERT INTO finding_states (org_id, finding_id) SELECT org_id, finding_id FROM findings WHERE org_id = $1 ON CONFLICT (org_id, finding_id) DO NOTHING`,
    `INSERT INTO finding_states (org_id, finding_id) SELECT $1, r.id FROM unnest($2::text[]) AS r(id)`,
    // A maintenance job over every organization, each row joined to rows of its own.
    `SELECT o.org_id FROM orgs o WHERE EXISTS (SELECT 1 FROM ownership_inferences i WHERE i.org_id = o.org_id)`,
    // A table of no organization (and PostgreSQL's catalogs) joins anything.
    `SELECT * FROM server_secrets x JOIN findings f ON true WHERE f.org_id = $1`,
  ];
  for (const sql of good) assert.deepEqual(check(sql), [], sql);
});

test('the SQL extraction reads a module the way the store writes queries: constants, local builders, placeholders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'citus-readiness-'));
  try {
    const file = join(dir, 'bad-store.ts');
    writeFileSync(
      file,
      `const COLUMNS = 'f.finding_id, s.status';
       const current = (table: string) => \`\${table}.valid_to = 9223372036854775807\`;
       export function bad(org: string) {
         const half = (cond: string) => \`(SELECT \${COLUMNS} FROM findings f JOIN finding_states s ON s.finding_id = f.finding_id
           WHERE f.org_id = \${org} AND \${current('s')} AND \${cond})\`;
         return \`SELECT * FROM (\${half('true')} UNION ALL \${half('false')}) page\`;
       }
       export const good = \`SELECT 1 FROM findings f JOIN finding_states s ON s.org_id = f.org_id AND s.finding_id = f.finding_id\`;
      `,
    );
    const sources = extractSql([file], dir);
    assert.deepEqual(
      sources.map((s) => [s.fn, s.line]),
      [
        ['bad', 4],
        ['bad', 6],
        ['good', 8],
      ],
    );
    // The builder and the constant inlined; a function's parameters stay placeholders, as do values from elsewhere.
    assert.match(
      sources[1]!.sql,
      /^SELECT \* FROM \(\(SELECT f\.finding_id, s\.status FROM findings f JOIN .* f\.org_id = ⟪org⟫ AND ⟪table⟫\.valid_to = 9223372036854775807 AND ⟪cond⟫\) UNION ALL \(SELECT/s,
    );
    const violations = checkSources(sources, ORG_TABLES, TABLES);
    // The builder's fragment on its own, and the query it is composed into (once per branch of the union).
    assert.deepEqual([...new Set(violations.map((v) => `${v.fn}:${v.line}`))], ['bad:4', 'bad:6']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
