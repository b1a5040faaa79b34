// The owners an organization knows of one owner type (team or service), and the current answers naming one of them:
// the console's team and service pages.
import type { Queryable } from './db.js';
import type { CodeownersRule } from '../ownership/signals.js';

export type OwnerSlot = 'team' | 'service';

/** Where an owner is known from: the directory, CODEOWNERS, the service catalog, or a current answer naming it. */
export type KnownFrom = 'directory' | 'codeowners' | 'catalog' | 'inference';

export interface KnownOwnerRow {
  handle: string;
  name: string | null;
  known_from: KnownFrom[];
  /** Current answers of this owner type naming it. */
  answers: number;
}

export interface OwnedAnswerRow {
  resource_id: string;
  resource_name: string | null;
  resource_type: string | null;
  owner_handle: string;
  confidence: number;
  status: string;
  explanation: string;
  checksum: string;
  updated_at: number;
}

/** Every owner of the type, case-insensitively merged over where it is known from; by handle. */
export async function knownOwners(db: Queryable, orgId: string, slot: OwnerSlot): Promise<KnownOwnerRow[]> {
  const owners = new Map<string, KnownOwnerRow>();
  const add = (handle: string, from: KnownFrom, name: string | null = null, answers = 0) => {
    const key = handle.toLowerCase();
    const o = owners.get(key) ?? { handle, name: null, known_from: [], answers: 0 };
    if (!o.known_from.includes(from)) o.known_from.push(from);
    o.name ??= name;
    o.answers += answers;
    owners.set(key, o);
  };
  if (slot === 'team') {
    const teams = await db.query<{ handle: string; name: string }>('SELECT handle, name FROM teams WHERE org_id = $1', [orgId]);
    for (const t of teams.rows) add(t.handle, 'directory', t.name);
    const files = await db.query<{ rules: CodeownersRule[] }>('SELECT rules FROM codeowners WHERE org_id = $1', [orgId]);
    for (const f of files.rows) for (const r of f.rules) for (const o of r.owners) if (o.kind === 'team') add(o.handle, 'codeowners');
    const catalog = await db.query<{ team: string }>('SELECT DISTINCT team FROM services WHERE org_id = $1 AND team IS NOT NULL', [orgId]);
    for (const s of catalog.rows) add(s.team, 'catalog');
  } else {
    const services = await db.query<{ name: string }>('SELECT name FROM services WHERE org_id = $1', [orgId]);
    for (const s of services.rows) add(s.name, 'catalog');
  }
  const named = await db.query<{ owner_handle: string; n: number }>(
    `SELECT owner_handle, count(*)::int AS n FROM ownership_inferences
     WHERE org_id = $1 AND slot = $2 AND owner_handle IS NOT NULL GROUP BY owner_handle`,
    [orgId, slot],
  );
  for (const r of named.rows) add(r.owner_handle, 'inference', null, Number(r.n));
  return [...owners.values()].sort((a, b) => a.handle.toLowerCase().localeCompare(b.handle.toLowerCase()));
}

/** The current answers of the owner type naming `handle` (compared case-insensitively), with their resource; by resource id. */
export async function ownedAnswers(db: Queryable, orgId: string, slot: OwnerSlot, handle: string): Promise<OwnedAnswerRow[]> {
  return (
    await db.query<OwnedAnswerRow>(
      `SELECT i.resource_id, r.name AS resource_name, r.resource_type, i.owner_handle, i.confidence, i.status, i.explanation,
         i.checksum, i.updated_at
       FROM ownership_inferences i LEFT JOIN resources r ON r.org_id = i.org_id AND r.resource_id = i.resource_id
       WHERE i.org_id = $1 AND i.slot = $2 AND lower(i.owner_handle) = lower($3)
       ORDER BY i.resource_id`,
      [orgId, slot, handle],
    )
  ).rows.map((r) => ({ ...r, confidence: Number(r.confidence), updated_at: Number(r.updated_at) }));
}
