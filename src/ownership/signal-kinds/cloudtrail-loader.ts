// The latest CloudTrail events that created or changed each resource of the batch. Who the principal is in the
// directory (`user`) is filled in by the directory loader.
import type { AuditPiece } from '../evidence.js';
import { auditEventsByIds } from '../../store/ownership-queries.js';
import { auditEventsOfResources } from '../../store/audit-events.js';
import { iso, type SignalKindLoader } from './loader.js';

export const cloudtrailLoader: SignalKindLoader = {
  async load(db, batch) {
    const events = await auditEventsOfResources(db, batch.orgId, [...batch.evidence.keys()]);
    for (const [id, evidence] of batch.evidence) {
      const rows = events.get(id) ?? [];
      if (rows.length === 0) continue;
      evidence.audit = rows.map((e): AuditPiece => ({
        source: 'cloudtrail',
        version: 1,
        observed_at: iso(e.observed_at),
        id: e.event_id,
        action: e.action === 'created' ? 'create' : 'modify',
        event_time: iso(e.event_time),
        principal: {
          kind: e.payload.principal.kind,
          name: e.payload.principal.name,
          ...(e.payload.principal.role ? { role: e.payload.principal.role } : {}),
          automation: e.payload.principal.automation,
          ...(e.payload.principal.automation_reason ? { automation_reason: e.payload.principal.automation_reason } : {}),
          ...(e.payload.principal.repository ? { repository: e.payload.principal.repository } : {}),
        },
      }));
    }
  },
  claims: (v) => v.source === 'cloudtrail',
  async recorded(db, orgId, _resourceId, versions) {
    const events = new Map(
      (
        await auditEventsByIds(
          db,
          orgId,
          versions.map((v) => v.id),
        )
      ).map((e) => [e.event_id, e]),
    );
    return versions.map((v) => {
      const e = events.get(v.id);
      return e ? { kind: 'audit_event', content: e.payload, observed_at: e.observed_at } : { kind: 'audit_event' };
    });
  },
};
