/** Unix ms as a readable local date and time; an em dash when absent. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** An RFC 3339 string as a readable local date and time. */
export function formatIso(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? formatMs(ms) : iso;
}

/** A small object (a source, an evidence version) as `key: value` pairs for display. */
export function describeObject(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : looksLikeMs(k, v) ? formatMs(v) : String(v)}`)
    .join(', ');
}

/** An instant in Unix ms under a name that says so (observed_at, version, …): between 2001 and 2286. */
function looksLikeMs(key: string, value: unknown): value is number {
  return typeof value === 'number' && /(_at|time|version)$/i.test(key) && value >= 1e12 && value < 1e13;
}
