import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.js';

const cache = new WeakMap<object, Map<string, Promise<string>>>();

/** A random value made once per store under `name`, the same for every process that serves it. */
function storeValue(db: Queryable, name: string): Promise<string> {
  let values = cache.get(db);
  if (!values) cache.set(db, (values = new Map()));
  let value = values.get(name);
  if (!value) {
    value = (async () => {
      await db.query(`INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [
        name,
        randomBytes(32).toString('base64url'),
        Date.now(),
      ]);
      return (await db.query<{ value: string }>(`SELECT value FROM server_secrets WHERE name = $1`, [name])).rows[0]!.value;
    })();
    value.catch(() => values.delete(name));
    values.set(name, value);
  }
  return value;
}

/** The key that signs listing cursors: made once per store, shared by every process that serves it. */
export function cursorSecret(db: Queryable): Promise<string> {
  return storeValue(db, 'findings_cursor_hmac');
}

/**
 * What names this deployment (its store) in a Redis that several may share: every process of one store counts the
 * same rate-limit budgets, and another deployment's (or another test's) never mix with them.
 */
export async function deploymentId(db: Queryable): Promise<string> {
  return (await storeValue(db, 'deployment_id')).slice(0, 16);
}
