// Planner statistics that keep up with large writes. After an import of thousands of resources the planner still
// believed the tables nearly empty and chose plans that made the ownership recompute that follows 24 times slower (74
// resources/s instead of 1,753 on 10,000 imported resources). PostgreSQL's autovacuum analyzes such tables within a
// minute or so, while the recompute is already running; the embedded store has no autovacuum at all.
import type { Db } from './db.js';

/** A table is re-analyzed once this many rows changed since its last analysis... */
const MIN_CHANGED_ROWS = 1_000;
/** ...and at least this share of its live rows (autovacuum's default analyze scale factor). */
const CHANGED_SHARE = 0.1;

/**
 * Analyzes this schema's tables whose rows changed much since their statistics were last taken (by anyone: this
 * process, another, or autovacuum). A table another session is analyzing or vacuuming is skipped. Returns the tables
 * analyzed.
 */
export async function analyzeChangedTables(db: Db): Promise<string[]> {
  const stale = (
    await db.query<{ name: string }>(
      `SELECT relname AS name FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND n_mod_since_analyze >= GREATEST($1::bigint, $2::float8 * n_live_tup)
       ORDER BY n_mod_since_analyze DESC`,
      [MIN_CHANGED_ROWS, CHANGED_SHARE],
    )
  ).rows.map((r) => r.name);
  for (const name of stale) await db.query(`ANALYZE (SKIP_LOCKED) "${name.replace(/"/g, '""')}"`);
  return stale;
}
