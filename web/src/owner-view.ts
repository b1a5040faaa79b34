// What the team and service pages compute from the API: the owner facet's query, a listing read to its end, the
// open findings of each resource by severity, the instants of a trend and the counts at each.
import type { Finding, Severity } from './types.js';
import { SEVERITIES } from './types.js';

export type OwnerKind = 'team' | 'service';

/** A value of the search syntax: bare when it is a plain word, else a quoted phrase (`"` and `\` escaped). */
export function queryValue(value: string): string {
  return /^[A-Za-z0-9_.\-/]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The owner facet: findings whose resource's inferred owner of this type is the handle at the listing's instant. */
export function ownerQuery(kind: OwnerKind, handle: string, rest = ''): string {
  return `@owner.${kind}:${queryValue(handle)}${rest ? ` ${rest}` : ''}`;
}

/** The open critical and high findings, as the trend counts them. */
export const CRITICAL_HIGH_OPEN = '@severity:(critical OR high) @status:open';

export type SeverityCounts = Record<Severity, number>;
export const zeroCounts = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

export function countBySeverity(findings: Finding[]): SeverityCounts {
  const counts = zeroCounts();
  for (const f of findings) if (f.attributes.status && SEVERITIES.includes(f.attributes.status)) counts[f.attributes.status]++;
  return counts;
}

/** The open findings of each resource, by severity, keyed by resource id. */
export function countsByResource(findings: Finding[]): Map<string, SeverityCounts> {
  const out = new Map<string, SeverityCounts>();
  for (const f of findings) {
    const id = f.attributes.resource_id;
    const s = f.attributes.status;
    if (!id || !s) continue;
    const c = out.get(id) ?? zeroCounts();
    c[s]++;
    out.set(id, c);
  }
  return out;
}

export const TREND_RANGES = { '1d': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 } as const;
export type TrendRange = keyof typeof TREND_RANGES;
export const TREND_POINTS = 8;

/** `points` instants evenly spread after `start` up to `end`, oldest first, the last one `end` itself. */
export function trendInstants(start: number, end: number, points = TREND_POINTS): number[] {
  const span = end - start;
  return Array.from({ length: points }, (_, i) => Math.round(start + (span * (i + 1)) / points));
}

/** The trend's window from the address: `from` and `to` (Unix ms) when both are given and in order, else the range up to now. */
export function trendWindow(params: URLSearchParams, now: number): { start: number; end: number; range: TrendRange | 'custom' } {
  const from = Number(params.get('from') ?? NaN);
  const to = Number(params.get('to') ?? NaN);
  if (params.get('from') && params.get('to') && Number.isFinite(from) && Number.isFinite(to) && from < to)
    return { start: from, end: to, range: 'custom' };
  const asked = params.get('range') ?? '';
  const range: TrendRange = asked in TREND_RANGES ? (asked as TrendRange) : '7d';
  return { start: now - TREND_RANGES[range], end: now, range };
}

export interface TrendPoint {
  at: number;
  critical: number;
  high: number;
}
