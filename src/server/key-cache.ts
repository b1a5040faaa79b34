// The key pairs this process has authenticated, so that a request costs no store round trip for its keys. Any change
// to keys or users anywhere (a revocation, a deactivated user: migration 018 has the store NOTIFY on commit) empties
// it; while the notifications cannot be heard (not yet listening, or the connection lost) nothing is kept. A lookup
// that began before a change was heard is not kept either, so a revoked pair is never cached after its revocation.
import { hashKey } from '../auth/key-material.js';
import type { Db } from '../store/db.js';
import type { Principal } from '../store/orgs.js';

export const KEYS_CHANGED_CHANNEL = 'steward_keys_changed';
/** A bound on how long an entry lives should a notification ever go astray. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export class KeyCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();
  private live = false;
  /** Grows with every change heard: a lookup keeps its answer only if none was heard while it ran. */
  private generation = 0;

  /** The cache key of a pair: hashes, so the process keeps no key in clear. */
  static keyOf(apiKey: string, appKey: string): string {
    return `${hashKey(apiKey)}:${hashKey(appKey)}`;
  }

  get(key: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.principal;
    this.entries.delete(key);
    return undefined;
  }

  /** Where a lookup starts: pass it to `keep` with the answer. */
  begin(): number {
    return this.generation;
  }

  keep(key: string, principal: Principal, begun: number, now = Date.now()): void {
    if (!this.live || begun !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { principal, expiresAt: now + TTL_MS });
  }

  /** A change to keys or users was heard, or may have been missed. */
  forget(): void {
    this.generation++;
    this.entries.clear();
  }

  setLive(live: boolean): void {
    this.live = live;
    this.forget();
  }
}

/**
 * A cache that follows the store's key changes; without a way to listen (a store reached through a server's socket)
 * or if listening fails, it keeps nothing. Returns it and how to stop listening.
 */
export async function watchedKeyCache(db: Db, onError: (err: unknown) => void): Promise<{ cache: KeyCache; stop(): Promise<void> }> {
  const cache = new KeyCache();
  if (!db.listen) return { cache, stop: async () => {} };
  try {
    const stop = await db.listen(KEYS_CHANGED_CHANNEL, (notice) => {
      if (notice === 'notify') cache.forget();
      else cache.setLive(notice === 'live');
    });
    return { cache, stop };
  } catch (err) {
    onError(err);
    return { cache, stop: async () => {} };
  }
}
