// The team directory as one plain JSON document, the body of `PUT /api/v2/csm/directory` (and a file for the CLI).
//
//   {
//     "source": "hr",                          // required: names this directory among others (hr, okta, backstage, ...)
//     "users": [
//       { "handle": "jane.doe",                // required, unique: letters, digits and - _ . @
//         "email": "jane.doe@example.com",     // optional, unique when given
//         "name": "Jane Doe",                  // optional display name
//         "active": true,                      // optional, default true; false for people who have left
//         "teams": ["payments"] }              // optional team handles, each listed under "teams"
//     ],
//     "teams": [
//       { "handle": "payments",                // required, unique: letters, digits and - _ . /
//         "name": "Payments",                  // optional, defaults to the handle
//         "parent": "engineering",             // optional team handle, listed under "teams", no cycles
//         "members": ["jane.doe"] }            // optional user handles, each listed under "users"
//     ]
//   }
//
// A membership may be written on the user (`teams`), on the team (`members`), or both: they are merged.
// The document replaces the source's whole directory (one that lists no users makes nobody inactive: see
// writeDirectory), so it is validated whole: errors name a JSON pointer
// (`/users/3/email`). Unknown fields are rejected, so a misspelt field is not silently dropped.
import { RecordError } from '../posture/resource.js';
import { isRecord } from '../json-values.js';
import { unsafeTextReason } from '../input-limits.js';
import type { Directory, DirectoryTeam, DirectoryUser } from '../ownership/signals.js';

export interface DirectoryDocument extends Directory {
  source: string;
}

export const USER_HANDLE = /^[A-Za-z0-9][A-Za-z0-9\-_.@]*$/;
const TEAM_HANDLE = /^[A-Za-z0-9][A-Za-z0-9\-_./]*$/;
const SOURCE = /^[A-Za-z0-9][A-Za-z0-9\-_.]*$/;
const EMAIL = /^[^@\s<>]+@(?=[^@\s<>]+\.[^@\s<>])[^@\s<>]+$/;
const MAX_TEXT = 256;

function fail(pointer: string, reason: string): never {
  throw new RecordError(pointer || '/', undefined, reason);
}

function onlyFields(value: Record<string, unknown>, pointer: string, allowed: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${pointer}/${key}`, `unknown field: expected ${allowed.join(', ')}`);
  }
}

function text(value: unknown, pointer: string, pattern?: RegExp, what?: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(pointer, 'must be a non-empty string');
  const trimmed = value.trim();
  const unsafe = unsafeTextReason(trimmed);
  if (unsafe) fail(pointer, unsafe);
  if (trimmed.length > MAX_TEXT) fail(pointer, `is longer than ${MAX_TEXT} characters`);
  if (pattern && !pattern.test(trimmed)) fail(pointer, what ?? 'has characters that are not allowed');
  return trimmed;
}

function list(value: unknown, pointer: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(pointer, 'must be an array');
  return value;
}

/** Validates a directory document; the result's users and teams carry memberships from both sides. */
export function parseDirectoryDocument(value: unknown): DirectoryDocument {
  if (!isRecord(value)) fail('', 'the directory must be a JSON object');
  onlyFields(value, '', ['source', 'users', 'teams']);
  const source = text(value.source, '/source', SOURCE, 'allows letters, digits and - _ .');

  const teams = new Map<string, { team: DirectoryTeam; members: Set<string>; pointer: string }>();
  // Handles name owners without case (the store keeps one user per lower-case handle; answers compare so): two that
  // differ only in case are one owner listed twice.
  const teamAt = new Map<string, string>();
  list(value.teams, '/teams').forEach((item, i) => {
    const at = `/teams/${i}`;
    if (!isRecord(item)) fail(at, 'must be an object');
    onlyFields(item, at, ['handle', 'name', 'parent', 'members']);
    const handle = text(item.handle, `${at}/handle`, TEAM_HANDLE, 'allows letters, digits and - _ . /');
    const sameTeam = teamAt.get(handle.toLowerCase());
    if (sameTeam) fail(`${at}/handle`, `duplicates the team of ${sameTeam}${teams.has(handle) ? '' : ' (handles are compared without case)'}`);
    teamAt.set(handle.toLowerCase(), at);
    const team: DirectoryTeam = { handle, name: item.name === undefined ? handle : text(item.name, `${at}/name`), members: [] };
    if (item.parent !== undefined && item.parent !== null) team.parent = text(item.parent, `${at}/parent`, TEAM_HANDLE, 'must be a team handle');
    const members = new Set(list(item.members, `${at}/members`).map((m, j) => text(m, `${at}/members/${j}`, USER_HANDLE, 'must be a user handle')));
    teams.set(handle, { team, members, pointer: at });
  });

  const users = new Map<string, { user: DirectoryUser; teams: Set<string>; pointer: string }>();
  const emails = new Map<string, string>();
  const userAt = new Map<string, string>();
  list(value.users, '/users').forEach((item, i) => {
    const at = `/users/${i}`;
    if (!isRecord(item)) fail(at, 'must be an object');
    onlyFields(item, at, ['handle', 'email', 'name', 'active', 'teams']);
    const handle = text(item.handle, `${at}/handle`, USER_HANDLE, 'allows letters, digits and - _ . @');
    const sameUser = userAt.get(handle.toLowerCase());
    if (sameUser) fail(`${at}/handle`, `duplicates the user of ${sameUser}${users.has(handle) ? '' : ' (handles are compared without case)'}`);
    userAt.set(handle.toLowerCase(), at);
    const user: DirectoryUser = { handle, active: true, teams: [] };
    if (item.email !== undefined && item.email !== null) {
      const email = text(item.email, `${at}/email`, EMAIL, 'is not an email address');
      const other = emails.get(email.toLowerCase());
      if (other) fail(`${at}/email`, `duplicates the email of ${other}`);
      emails.set(email.toLowerCase(), at);
      user.email = email;
    }
    if (item.name !== undefined && item.name !== null) user.display_name = text(item.name, `${at}/name`);
    if (item.active !== undefined) {
      if (typeof item.active !== 'boolean') fail(`${at}/active`, 'must be true or false');
      user.active = item.active;
    }
    const memberOf = new Set<string>();
    list(item.teams, `${at}/teams`).forEach((t, j) => {
      const teamHandle = text(t, `${at}/teams/${j}`);
      if (!teams.has(teamHandle)) fail(`${at}/teams/${j}`, `unknown team ${JSON.stringify(teamHandle)}: list it under /teams`);
      memberOf.add(teamHandle);
    });
    users.set(handle, { user, teams: memberOf, pointer: at });
  });

  for (const [handle, entry] of teams) {
    const parent = entry.team.parent;
    if (parent !== undefined && !teams.has(parent)) fail(`${entry.pointer}/parent`, `unknown team ${JSON.stringify(parent)}: list it under /teams`);
    [...entry.members].forEach((member, j) => {
      const user = users.get(member);
      if (!user) fail(`${entry.pointer}/members/${j}`, `unknown user ${JSON.stringify(member)}: list it under /users`);
      user.teams.add(handle);
    });
    // Walk up from each team: coming back to it is a cycle.
    const seen = new Set([handle]);
    for (let up = parent; up !== undefined; up = teams.get(up)?.team.parent) {
      if (seen.has(up)) fail(`${entry.pointer}/parent`, `the parent chain of ${JSON.stringify(handle)} loops`);
      seen.add(up);
    }
  }
  for (const [handle, entry] of users) {
    for (const teamHandle of entry.teams) teams.get(teamHandle)?.members.add(handle);
  }

  return {
    source,
    users: [...users.values()].map(({ user, teams: memberOf }) => ({ ...user, teams: [...memberOf].sort() })),
    teams: [...teams.values()].map(({ team, members }) => ({ ...team, members: [...members].sort() })),
  };
}
