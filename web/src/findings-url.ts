// The findings explorer's view as an address (see router.ts): the filters under the findings API's own names, the
// search query, the point in time, the page cursor and the open finding. The view opens on failing findings unless the
// address says otherwise (`filter[evaluation]=any` shows both).
import { EMPTY_FILTERS, localInputToMs, msToLocalInput, type FindingsFilters } from './findings-query.js';
import { SEVERITIES, type Evaluation, type Severity } from './types.js';

export interface FindingsView {
  /** A search query in the log search syntax ('' for none); it replaces the filters and the point in time. */
  query: string;
  filters: FindingsFilters;
  /** Unix ms; absent means now. */
  snapshot?: number;
  cursor?: string;
  /** The finding whose side panel is open. */
  finding?: string;
}

/** The evaluation shown when the address names none. */
export const DEFAULT_EVALUATION: Evaluation = 'fail';
const ANY = 'any';

const TEXT_FILTERS = [
  ['resourceType', 'filter[resource_type]'],
  ['ruleId', 'filter[rule_id]'],
  ['ruleName', 'filter[rule_name]'],
] as const;

export function findingsViewFrom(params: URLSearchParams): FindingsView {
  const get = (k: string) => params.get(k) ?? '';
  const status = get('filter[status]');
  const evaluation = params.has('filter[evaluation]') ? get('filter[evaluation]') : DEFAULT_EVALUATION;
  const muted = get('filter[muted]');
  const since = /^>=(\d+)$/.exec(get('filter[evaluation_changed_at]'))?.[1];
  const filters: FindingsFilters = {
    ...EMPTY_FILTERS,
    status: SEVERITIES.includes(status as Severity) ? (status as Severity) : '',
    evaluation: evaluation === 'fail' || evaluation === 'pass' ? evaluation : '',
    muted: muted === 'true' || muted === 'false' ? muted : '',
    tags: params.getAll('filter[tags]').filter(Boolean),
    changedSince: since ? msToLocalInput(Number(since)) : '',
  };
  for (const [key, name] of TEXT_FILTERS) filters[key] = get(name);
  const at = Number(get('at'));
  return {
    query: get('q'),
    filters,
    ...(get('at') && Number.isFinite(at) ? { snapshot: at } : {}),
    ...(get('cursor') ? { cursor: get('cursor') } : {}),
    ...(get('finding') ? { finding: get('finding') } : {}),
  };
}

/** The query string of a view; what equals the default is left out, so the plain explorer stays at `/`. */
export function findingsViewParams(view: FindingsView): URLSearchParams {
  const q = new URLSearchParams();
  const f = view.filters;
  if (view.query) q.set('q', view.query);
  if (f.status) q.set('filter[status]', f.status);
  if (f.evaluation !== DEFAULT_EVALUATION) q.set('filter[evaluation]', f.evaluation || ANY);
  if (f.muted) q.set('filter[muted]', f.muted);
  for (const [key, name] of TEXT_FILTERS) if (f[key].trim()) q.set(name, f[key].trim());
  for (const tag of f.tags) q.append('filter[tags]', tag);
  const since = localInputToMs(f.changedSince);
  if (since !== undefined) q.set('filter[evaluation_changed_at]', `>=${since}`);
  if (view.snapshot !== undefined) q.set('at', String(view.snapshot));
  if (view.cursor) q.set('cursor', view.cursor);
  if (view.finding) q.set('finding', view.finding);
  return q;
}
