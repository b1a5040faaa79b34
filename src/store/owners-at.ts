// The resources' inferred owners as they stood at an instant: for each resource and owner type, the newest history
// entry written at or before it. What the Security Findings API shows as each finding's owners.
import type { Queryable } from './db.js';
import type { OwnerType } from '../ownership/owner-type.js';

export interface OwnerAt {
  resource_id: string;
  slot: OwnerType;
  owner_handle: string | null;
  confidence: number;
  status: string;
}

export async function ownersAt(db: Queryable, orgId: string, resourceIds: string[], at: number): Promise<OwnerAt[]> {
  if (resourceIds.length === 0) return [];
  return (
    await db.query<OwnerAt>(
      `SELECT DISTINCT ON (resource_id, slot) resource_id, slot, owner_handle, confidence, status
       FROM ownership_history WHERE org_id = $1 AND resource_id = ANY($2::text[]) AND created_at <= $3
       ORDER BY resource_id, slot, id DESC`,
      [orgId, [...new Set(resourceIds)], at],
    )
  ).rows.map((r) => ({ ...r, confidence: Number(r.confidence) }));
}
