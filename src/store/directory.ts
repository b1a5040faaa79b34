import type { Queryable } from './db.js';
import { newId } from '../auth/key-material.js';
import { recordSignalVersions } from './signals.js';
import type { Directory, DirectoryUser } from '../ownership/signals.js';

export interface DirectoryChange {
  users_written: number;
  /** The users this import made inactive: those it no longer lists, and those it lists as inactive who were active. */
  users_deactivated: string[];
  teams_written: number;
  changed: boolean;
}

/** The users this source imported before, still active, that `listed` no longer names: they become inactive. */
async function departedUsers(db: Queryable, orgId: string, listed: DirectoryUser[], source: string): Promise<DirectoryUser[]> {
  const previous = (
    await db.query<{ handle: string; active: boolean; email: string | null; display_name: string | null }>(
      'SELECT handle, active, email, display_name FROM users WHERE org_id = $1 AND source = $2',
      [orgId, source],
    )
  ).rows;
  const handles = new Set(listed.map((u) => u.handle.toLowerCase()));
  return previous
    .filter((p) => !handles.has(p.handle.toLowerCase()) && p.active)
    .map((p) => ({ handle: p.handle, email: p.email ?? undefined, display_name: p.display_name ?? undefined, active: false, teams: [] }));
}

/** Of the users `listed` as inactive, those active before this import (under any source), as listed. */
async function listedAsDeactivated(db: Queryable, orgId: string, listed: DirectoryUser[]): Promise<string[]> {
  const inactive = listed.filter((u) => !u.active);
  if (inactive.length === 0) return [];
  const { rows } = await db.query<{ key: string }>(
    'SELECT lower(handle) AS key FROM users WHERE org_id = $1 AND active AND lower(handle) = ANY($2::text[])',
    [orgId, inactive.map((u) => u.handle.toLowerCase())],
  );
  const wereActive = new Set(rows.map((r) => r.key));
  return inactive.filter((u) => wereActive.has(u.handle.toLowerCase())).map((u) => u.handle);
}

/**
 * The directory with each team it names spelt as the store already spells it: handles compare without case, as users'
 * do, so `payments` from one source and `Payments` from another are one team, spelt as first written (where an older
 * store holds both spellings, the first in code-point order).
 */
async function inStoredTeamSpelling(db: Queryable, orgId: string, dir: Directory): Promise<Directory> {
  const named = [...dir.teams.flatMap((t) => (t.parent ? [t.handle, t.parent] : [t.handle])), ...dir.users.flatMap((u) => u.teams)];
  if (named.length === 0) return dir;
  const stored = (
    await db.query<{ key: string; handle: string }>(
      `SELECT DISTINCT ON (lower(handle)) lower(handle) AS key, handle FROM teams
       WHERE org_id = $1 AND lower(handle) = ANY($2::text[]) ORDER BY lower(handle), handle COLLATE "C"`,
      [orgId, [...new Set(named.map((h) => h.toLowerCase()))]],
    )
  ).rows;
  if (stored.length === 0) return dir;
  const spelling = new Map(stored.map((r) => [r.key, r.handle]));
  const spelt = (handle: string) => spelling.get(handle.toLowerCase()) ?? handle;
  return {
    users: dir.users.map((u) => ({ ...u, teams: u.teams.map(spelt) })),
    teams: dir.teams.map((t) => ({ ...t, handle: spelt(t.handle), ...(t.parent ? { parent: spelt(t.parent) } : {}) })),
  };
}

/**
 * Writes a directory import of one source: users, teams and memberships. When it lists users, it replaces the source's
 * people: a user the source imported before and no longer lists is marked inactive (never deleted), and the source's
 * memberships are replaced. A directory that lists no users is not a full list of people (a file of Groups only, a
 * catalog of Components, an empty document by mistake): it makes nobody inactive, since that would lock every user of
 * the source out, and only adds its teams and memberships. To deactivate people, list them with `active: false`. Each
 * user and team is a versioned signal; `users_written` counts the users the import listed.
 */
export async function writeDirectory(db: Queryable, orgId: string, listed: Directory, source: string, now: number): Promise<DirectoryChange> {
  const dir = await inStoredTeamSpelling(db, orgId, listed);
  const membership = new Map<string, Set<string>>();
  for (const u of dir.users) for (const t of u.teams) (membership.get(t) ?? membership.set(t, new Set()).get(t)!).add(u.handle);
  for (const t of dir.teams) for (const m of t.members) (membership.get(t.handle) ?? membership.set(t.handle, new Set()).get(t.handle)!).add(m);
  const teamsOf = new Map<string, string[]>();
  for (const [team, members] of membership)
    for (const m of members) (teamsOf.get(m.toLowerCase()) ?? teamsOf.set(m.toLowerCase(), []).get(m.toLowerCase())!).push(team);

  const replacesPeople = dir.users.length > 0;
  const departed = replacesPeople ? await departedUsers(db, orgId, dir.users, source) : [];
  const deactivated = [...departed.map((u) => u.handle), ...(await listedAsDeactivated(db, orgId, dir.users))];
  const users = [
    ...dir.users.map((u) => ({ ...u, teams: [...new Set([...u.teams, ...(teamsOf.get(u.handle.toLowerCase()) ?? [])])].sort() })),
    ...departed,
  ];

  const userVersions = await recordSignalVersions(
    db,
    orgId,
    'directory_user',
    users.map((u) => ({ key: u.handle.toLowerCase(), payload: u })),
    source,
    now,
  );
  const teamVersions = await recordSignalVersions(
    db,
    orgId,
    'directory_team',
    dir.teams.map((t) => ({ key: t.handle.toLowerCase(), payload: { ...t, members: [...(membership.get(t.handle) ?? [])].sort() } })),
    source,
    now,
  );
  const userRows = users.map((u) => ({
    user_id: newId(),
    handle: u.handle,
    email: u.email ?? null,
    display_name: u.display_name ?? null,
    active: u.active,
    version: userVersions.get(u.handle.toLowerCase())!.version,
  }));
  if (userRows.length > 0) {
    await db.query(
      `INSERT INTO users (org_id, user_id, handle, email, display_name, active, source, version, observed_at, created_at, updated_at)
       SELECT $1, r.user_id::uuid, r.handle, r.email, r.display_name, r.active, $2, r.version, $3, $3, $3
       FROM jsonb_to_recordset($4::jsonb) AS r(user_id text, handle text, email text, display_name text, active boolean, version integer)
       ON CONFLICT (org_id, lower(handle)) DO UPDATE SET email = COALESCE(EXCLUDED.email, users.email),
         display_name = COALESCE(EXCLUDED.display_name, users.display_name), active = EXCLUDED.active, source = EXCLUDED.source,
         version = EXCLUDED.version, observed_at = EXCLUDED.observed_at, updated_at = EXCLUDED.updated_at`,
      [orgId, source, now, JSON.stringify(userRows)],
    );
  }
  if (dir.teams.length > 0) {
    await db.query(
      `INSERT INTO teams (org_id, handle, name, parent, source, version, observed_at)
       SELECT $1, r.handle, r.name, r.parent, $2, r.version, $3 FROM jsonb_to_recordset($4::jsonb) AS r(handle text, name text, parent text, version integer)
       ON CONFLICT (org_id, handle) DO UPDATE SET name = EXCLUDED.name, parent = EXCLUDED.parent, source = EXCLUDED.source,
         version = EXCLUDED.version, observed_at = EXCLUDED.observed_at`,
      [
        orgId,
        source,
        now,
        JSON.stringify(dir.teams.map((t) => ({ ...t, parent: t.parent ?? null, version: teamVersions.get(t.handle.toLowerCase())!.version }))),
      ],
    );
  }
  if (replacesPeople) await db.query('DELETE FROM team_members WHERE org_id = $1 AND source = $2', [orgId, source]);
  const memberRows = [...membership].flatMap(([team, members]) => [...members].map((m) => ({ team, member: m })));
  if (memberRows.length > 0) {
    await db.query(
      `INSERT INTO team_members (org_id, team_handle, user_handle, source)
       SELECT DISTINCT $1::uuid, r.team, r.member, $2 FROM jsonb_to_recordset($3::jsonb) AS r(team text, member text)
       ON CONFLICT DO NOTHING`,
      [orgId, source, JSON.stringify(memberRows)],
    );
  }
  const changed = [...userVersions.values(), ...teamVersions.values()].some((v) => v.changed);
  return { users_written: dir.users.length, users_deactivated: deactivated, teams_written: dir.teams.length, changed };
}

export interface DirectoryUserRow {
  handle: string;
  email: string | null;
  display_name: string | null;
  active: boolean;
  version: number;
  observed_at: number | null;
  teams: string[];
}

export async function listDirectory(
  db: Queryable,
  orgId: string,
): Promise<{ users: DirectoryUserRow[]; teams: Array<{ handle: string; name: string; parent: string | null; version: number }> }> {
  const users = (
    await db.query<DirectoryUserRow>(
      `SELECT u.handle, u.email, u.display_name, u.active, u.version, u.observed_at,
         COALESCE((SELECT array_agg(DISTINCT m.team_handle ORDER BY m.team_handle) FROM team_members m WHERE m.org_id = u.org_id AND lower(m.user_handle) = lower(u.handle)), '{}') AS teams
       FROM users u WHERE u.org_id = $1 ORDER BY lower(u.handle)`,
      [orgId],
    )
  ).rows;
  const teams = (
    await db.query<{ handle: string; name: string; parent: string | null; version: number }>(
      'SELECT handle, name, parent, version FROM teams WHERE org_id = $1 ORDER BY handle',
      [orgId],
    )
  ).rows;
  return { users, teams };
}

/** Users by handle or email, case-insensitively. */
export async function usersByHandleOrEmail(db: Queryable, orgId: string, names: string[]): Promise<DirectoryUserRow[]> {
  if (names.length === 0) return [];
  const lowered = [...new Set(names.map((n) => n.toLowerCase()))];
  return (
    await db.query<DirectoryUserRow>(
      `SELECT u.handle, u.email, u.display_name, u.active, u.version, u.observed_at,
         COALESCE((SELECT array_agg(DISTINCT m.team_handle ORDER BY m.team_handle) FROM team_members m WHERE m.org_id = u.org_id AND lower(m.user_handle) = lower(u.handle)), '{}') AS teams
       FROM users u WHERE u.org_id = $1 AND (lower(u.handle) = ANY($2::text[]) OR lower(u.email) = ANY($2::text[]))`,
      [orgId, lowered],
    )
  ).rows;
}

export async function teamVersions(db: Queryable, orgId: string): Promise<Array<{ handle: string; version: number; observed_at: number }>> {
  return (
    await db.query<{ handle: string; version: number; observed_at: number }>(
      'SELECT handle, version, observed_at FROM teams WHERE org_id = $1 ORDER BY handle',
      [orgId],
    )
  ).rows;
}

/** How many users and catalog services an organization has. */
export async function ownerPopulation(db: Queryable, orgId: string): Promise<{ users: number; services: number }> {
  return (
    await db.query<{ users: number; services: number }>(
      `SELECT (SELECT count(*)::int FROM users WHERE org_id = $1) AS users, (SELECT count(*)::int FROM services WHERE org_id = $1) AS services`,
      [orgId],
    )
  ).rows[0]!;
}
