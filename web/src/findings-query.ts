import type { Evaluation, Severity } from './types.js';

/** What the findings explorer's filter form holds; empty strings mean "no filter". */
export interface FindingsFilters {
  status: Severity | '';
  evaluation: Evaluation | '';
  muted: '' | 'true' | 'false';
  resourceType: string;
  ruleId: string;
  ruleName: string;
  tags: string[];
  /** A datetime-local value; becomes filter[evaluation_changed_at]=>=<ms>. */
  changedSince: string;
}

export const EMPTY_FILTERS: FindingsFilters = {
  status: '',
  evaluation: '',
  muted: '',
  resourceType: '',
  ruleId: '',
  ruleName: '',
  tags: [],
  changedSince: '',
};

export interface FindingsRequest {
  filters: FindingsFilters;
  limit: number;
  cursor?: string;
  /** Unix ms; absent means now. */
  snapshot?: number;
  /** Only the findings of this resource (Steward's id): filter[@resource_id]. */
  resourceId?: string;
}

/** Turns a datetime-local value (local wall-clock time, no zone) into Unix ms; undefined when empty or invalid. */
export function localInputToMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** The inverse, for showing an instant back in a datetime-local input (minutes precision, local zone). */
export function msToLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The query string of GET /api/v2/posture_management/findings for one page; repeated filter[tags] for several tags. */
export function findingsQuery(req: FindingsRequest): URLSearchParams {
  const q = new URLSearchParams();
  const f = req.filters;
  q.set('page[limit]', String(req.limit));
  if (req.cursor) q.set('page[cursor]', req.cursor);
  if (req.snapshot !== undefined) q.set('snapshot_timestamp', String(req.snapshot));
  if (req.resourceId) q.set('filter[@resource_id]', req.resourceId);
  if (f.status) q.set('filter[status]', f.status);
  if (f.evaluation) q.set('filter[evaluation]', f.evaluation);
  if (f.muted) q.set('filter[muted]', f.muted);
  if (f.resourceType.trim()) q.set('filter[resource_type]', f.resourceType.trim());
  if (f.ruleId.trim()) q.set('filter[rule_id]', f.ruleId.trim());
  if (f.ruleName.trim()) q.set('filter[rule_name]', f.ruleName.trim());
  for (const tag of new Set(f.tags.map((t) => t.trim()).filter(Boolean))) q.append('filter[tags]', tag);
  const since = localInputToMs(f.changedSince);
  if (since !== undefined) q.set('filter[evaluation_changed_at]', `>=${since}`);
  return q;
}

/** Splits what a reviewer typed in the tags box ("team:a, env:prod") into key:value tags. */
export function parseTagInput(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}
