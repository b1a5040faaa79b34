import type { Queryable } from './db.js';
import { recordSignalVersions } from './signals.js';
import type { CodeownersRule } from '../ownership/signals.js';
import { withoutTrailingSlashes } from '../trailing-slashes.js';

/** Stores a repository's CODEOWNERS rules as a versioned signal; returns whether they changed. */
export async function writeCodeowners(
  db: Queryable,
  orgId: string,
  repo: string,
  rules: CodeownersRule[],
  now: number,
): Promise<{ version: number; changed: boolean }> {
  const key = normalizeRepo(repo);
  const v = (await recordSignalVersions(db, orgId, 'codeowners', [{ key, payload: rules }], key, now)).get(key)!;
  if (v.changed) {
    await db.query(
      `INSERT INTO codeowners (org_id, repo, rules, version, observed_at) VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (org_id, repo) DO UPDATE SET rules = EXCLUDED.rules, version = EXCLUDED.version, observed_at = EXCLUDED.observed_at`,
      [orgId, key, JSON.stringify(rules), v.version, now],
    );
  }
  return v;
}

export interface CodeownersRow {
  repo: string;
  rules: CodeownersRule[];
  version: number;
  observed_at: number;
}

export async function codeownersOf(db: Queryable, orgId: string, repos: string[]): Promise<CodeownersRow[]> {
  if (repos.length === 0) return [];
  return (
    await db.query<CodeownersRow>('SELECT repo, rules, version, observed_at FROM codeowners WHERE org_id = $1 AND repo = ANY($2::text[])', [
      orgId,
      repos.map(normalizeRepo),
    ])
  ).rows;
}

/** `https://github.com/org/repo.git`, `git@github.com:org/repo` and `org/repo` name the same repository: `org/repo`. */
export function normalizeRepo(repo: string): string {
  return withoutTrailingSlashes(
    repo
      .trim()
      .replace(/^git@[^:]+:/, '')
      .replace(/^[a-z]+:\/\/[^/]+\//i, '')
      .replace(/\.git$/, ''),
  ).toLowerCase();
}
