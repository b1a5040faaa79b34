// What a PGlite data folder holds, without loading PGlite: a command that must not create a store asks first.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCK_FILE } from './data-dir-lock.js';

/** The data folder of a store that lives in memory only. */
export const IN_MEMORY = 'memory://';

/**
 * Why `dataDir` holds no embedded store (the folder is missing, or is no database cluster: PostgreSQL's PG_VERSION
 * file marks one), or undefined when it holds one. A folder a process holds counts as a store: that process may be
 * creating it, and opening says who holds it.
 */
export function missingStoreReason(dataDir: string): string | undefined {
  if (dataDir === IN_MEMORY) return undefined;
  const dir = resolve(dataDir);
  if (!existsSync(dir)) return `the data folder ${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  if (!existsSync(join(dir, 'PG_VERSION')) && !existsSync(join(dir, LOCK_FILE))) return `the data folder ${dir} holds no store`;
  return undefined;
}
