import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.js';

const NAME = 'findings_cursor_hmac';
const cache = new WeakMap<object, Promise<string>>();

/** The key that signs listing cursors: made once per store, shared by every process that serves it. */
export function cursorSecret(db: Queryable): Promise<string> {
  let secret = cache.get(db);
  if (!secret) {
    secret = (async () => {
      await db.query(`INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [
        NAME,
        randomBytes(32).toString('base64url'),
        Date.now(),
      ]);
      return (await db.query<{ value: string }>(`SELECT value FROM server_secrets WHERE name = $1`, [NAME])).rows[0]!.value;
    })();
    secret.catch(() => cache.delete(db));
    cache.set(db, secret);
  }
  return secret;
}
