import type { Queryable, Db } from './db.js';
import type { Actor } from '../auth/actor.js';
import { hashKey, newApiKey, newAppKey, newId } from '../auth/key-material.js';

export interface Org {
  org_id: string;
  name: string;
}

/** The keys' organization and user: the request's actor, in its organization. */
export interface Principal extends Actor {
  orgId: string;
  apiKeyId: string;
}

export interface KeyRow {
  key_id: string;
  kind: 'api' | 'app';
  last4: string;
  user_handle: string | null;
  created_at: number;
  revoked_at: number | null;
}

export async function findOrg(db: Queryable, name: string): Promise<Org | undefined> {
  return (await db.query<Org>('SELECT org_id, name FROM orgs WHERE name = $1', [name])).rows[0];
}

export async function ensureOrg(db: Queryable, name: string): Promise<Org> {
  await db.query('INSERT INTO orgs (org_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [newId(), name, Date.now()]);
  return (await findOrg(db, name))!;
}

export async function ensureUser(db: Queryable, orgId: string, handle: string): Promise<string> {
  const now = Date.now();
  await db.query(
    `INSERT INTO users (org_id, user_id, handle, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (org_id, lower(handle)) DO NOTHING`,
    [orgId, newId(), handle, now],
  );
  const row = (await db.query<{ user_id: string }>('SELECT user_id FROM users WHERE org_id = $1 AND lower(handle) = lower($2)', [orgId, handle]))
    .rows[0];
  return row!.user_id;
}

export interface CreatedKeys {
  org: string;
  org_id: string;
  user: string;
  api_key: string;
  api_key_id: string;
  app_key: string;
  app_key_id: string;
}

/** Creates the organization and the user when missing, then a new API key and an application key of that user. */
export async function createKeys(db: Db, orgName: string, userHandle: string): Promise<CreatedKeys> {
  return db.transaction(async (tx) => {
    const org = await ensureOrg(tx, orgName);
    const userId = await ensureUser(tx, org.org_id, userHandle);
    const apiKey = newApiKey();
    const appKey = newAppKey();
    const apiKeyId = newId();
    const appKeyId = newId();
    const now = Date.now();
    const insert = `INSERT INTO api_keys (org_id, key_id, kind, key_hash, user_id, last4, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`;
    await tx.query(insert, [org.org_id, apiKeyId, 'api', hashKey(apiKey), null, apiKey.slice(-4), now]);
    await tx.query(insert, [org.org_id, appKeyId, 'app', hashKey(appKey), userId, appKey.slice(-4), now]);
    return { org: org.name, org_id: org.org_id, user: userHandle, api_key: apiKey, api_key_id: apiKeyId, app_key: appKey, app_key_id: appKeyId };
  });
}

export async function listKeys(db: Queryable, orgId: string): Promise<KeyRow[]> {
  return (
    await db.query<KeyRow>(
      `SELECT k.key_id, k.kind, k.last4, u.handle AS user_handle, k.created_at, k.revoked_at
       FROM api_keys k LEFT JOIN users u ON u.org_id = k.org_id AND u.user_id = k.user_id
       WHERE k.org_id = $1 ORDER BY k.created_at, k.kind`,
      [orgId],
    )
  ).rows;
}

/** Returns false when no such key exists; revoking twice keeps the first revocation time. */
export async function revokeKey(db: Queryable, keyId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(keyId)) return false;
  const r = await db.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE key_id = $1', [keyId, Date.now()]);
  return (r.affectedRows ?? 0) > 0;
}

/** Resolves a pair of keys to their organization and user, or undefined when either is unknown, revoked, of another org, or the user is inactive. */
export async function authenticate(db: Queryable, apiKey: string, appKey: string): Promise<Principal | undefined> {
  // Two steps: the keys (a reference table) name the organization, then its user is read within it, so on a
  // distributed PostgreSQL the second read goes to the one node holding that organization.
  const keys = (
    await db.query<{ org_id: string; api_key_id: string; user_id: string }>(
      `SELECT a.org_id, a.key_id AS api_key_id, p.user_id
       FROM api_keys a
       JOIN api_keys p ON p.key_hash = $2 AND p.kind = 'app' AND p.revoked_at IS NULL AND p.org_id = a.org_id
       WHERE a.key_hash = $1 AND a.kind = 'api' AND a.revoked_at IS NULL`,
      [hashKey(apiKey), hashKey(appKey)],
    )
  ).rows[0];
  if (!keys) return undefined;
  const user = (
    await db.query<{ handle: string }>(`SELECT handle FROM users WHERE org_id = $1 AND user_id = $2 AND active`, [keys.org_id, keys.user_id])
  ).rows[0];
  return user && { orgId: keys.org_id, apiKeyId: keys.api_key_id, userId: keys.user_id, userHandle: user.handle };
}
