import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import type { RuleCoverage } from '../types.js';
import { formatMs } from '../format.js';
import { useAsync } from '../use-async.js';
import { ErrorMessage } from './ErrorMessage.js';

type SortKey = 'rule' | 'resource_type' | 'judged' | 'pass' | 'fail' | 'not_evaluated';
const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'rule', label: 'Rule' },
  { key: 'resource_type', label: 'Resource type' },
  { key: 'judged', label: 'Judged', numeric: true },
  { key: 'pass', label: 'Pass', numeric: true },
  { key: 'fail', label: 'Fail', numeric: true },
  { key: 'not_evaluated', label: 'Not evaluated', numeric: true },
];

const total = (r: RuleCoverage) => r.pass + r.fail + r.not_evaluated;
/** The share of its pairs a rule could judge (1 when it has none: nothing was left unjudged). */
const judged = (r: RuleCoverage) => (total(r) === 0 ? 1 : (r.pass + r.fail) / total(r));
const percent = (x: number) => `${Math.round(x * 100)}%`;

function sortValue(r: RuleCoverage, key: SortKey): number | string {
  if (key === 'rule') return r.name.toLowerCase();
  if (key === 'resource_type') return r.resource_type;
  if (key === 'judged') return judged(r);
  return r[key];
}

/** Pass, fail and not evaluated as one bar; the numbers are in its accessible name and in the row's own cells. */
function CoverageBar({ r }: { r: RuleCoverage }) {
  const n = Math.max(1, total(r));
  const label = `${r.pass} pass, ${r.fail} fail, ${r.not_evaluated} not evaluated: ${percent(judged(r))} judged`;
  return (
    <div class="coverage-bar" role="img" aria-label={label} title={label}>
      {(['pass', 'fail', 'not_evaluated'] as const).map((k) =>
        r[k] > 0 ? <span key={k} class={`coverage-${k}`} style={{ width: `${(r[k] / n) * 100}%` }} /> : null,
      )}
    </div>
  );
}

function RowDetail({ api, r, at, id }: { api: Api; r: RuleCoverage; at: number; id: string }) {
  const resources = useAsync(
    () => (r.not_evaluated > 0 ? api.notEvaluatedResources(r.rule_id, at) : Promise.resolve(undefined)),
    [api, r.rule_id, at],
  );
  const page = resources.data;
  return (
    <div id={id} class="coverage-detail">
      {r.not_evaluated === 0 ? (
        <p class="muted">The rule judged every resource of its type it was given.</p>
      ) : (
        <>
          <h3>Missing fields</h3>
          <ul>
            {r.missing_fields.map((m) => (
              <li key={m.field}>
                <code>{m.field}</code>: {m.count}
              </li>
            ))}
          </ul>
          <h3>Sources of the resources not evaluated</h3>
          <ul>
            {r.sources.map((s) => (
              <li key={s.source ?? ''}>
                {s.source ?? 'not recorded'}: {s.count}
              </li>
            ))}
          </ul>
          <h3>Resources not evaluated{page ? ` (${page.data.length} of ${page.meta.page.total_filtered_count})` : ''}</h3>
          <ErrorMessage error={resources.error} context="The resources not evaluated could not be loaded" />
          {resources.loading && <p class="muted">Loading…</p>}
          {page && (
            <ul class="coverage-resources">
              {page.data.map((d) => (
                <li key={d.id}>
                  <code>{d.id}</code> lacks {d.attributes.missing_fields.join(', ')} ({d.attributes.source ?? 'source not recorded'}, since{' '}
                  {formatMs(d.attributes.not_evaluated_since)})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** Per rule, how much of the estate it could judge: pass / fail / not evaluated, sortable, with why in a row's detail. */
export function RuleCoverageTable({ api, snapshot }: { api: Api; snapshot?: number }) {
  const coverage = useAsync(() => api.ruleCoverage(snapshot), [api, snapshot]);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'judged', descending: false });
  const [withData, setWithData] = useState(true);
  const [open, setOpen] = useState<string>();
  const rules = coverage.data?.rules;
  const shown = useMemo(() => {
    const list = (rules ?? []).filter((r) => !withData || total(r) > 0);
    const sign = sort.descending ? -1 : 1;
    return list.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return (x < y ? -sign : x > y ? sign : 0) || (a.rule_id < b.rule_id ? -1 : 1);
    });
  }, [rules, sort, withData]);
  const sums = (rules ?? []).reduce((s, r) => ({ pass: s.pass + r.pass, fail: s.fail + r.fail, ne: s.ne + r.not_evaluated }), {
    pass: 0,
    fail: 0,
    ne: 0,
  });

  return (
    <section class="card coverage" aria-labelledby="coverage-title">
      <h2 id="coverage-title">Rule coverage</h2>
      <p class="muted">
        How much of the estate each rule could judge. A resource is <em>not evaluated</em> by a rule when its configuration lacks a field that decides
        the rule.
        {rules ? ` In all: ${sums.pass} pass, ${sums.fail} fail, ${sums.ne} not evaluated.` : ''}
      </p>
      <ErrorMessage error={coverage.error} context="The rule coverage could not be loaded" />
      <label class="coverage-toggle">
        <input type="checkbox" checked={withData} onChange={(e) => setWithData((e.target as HTMLInputElement).checked)} /> Only rules with resources
        to judge
      </label>
      {coverage.loading && !rules && <p class="muted">Loading rule coverage…</p>}
      {rules && (
        <div class="table-wrap">
          <table class="coverage-table" aria-busy={coverage.loading ? 'true' : 'false'}>
            <caption class="sr-only">Pass, fail and not evaluated per rule; sort by a column's button</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    class={c.numeric ? 'num' : undefined}
                    aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      class="sort"
                      onClick={() => setSort((s) => ({ key: c.key, descending: s.key === c.key ? !s.descending : false }))}
                    >
                      {c.label}
                      <span aria-hidden="true">{sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  </th>
                ))}
                <th scope="col">Why not evaluated</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const detailId = `coverage-detail-${r.rule_id}`;
                const isOpen = open === r.rule_id;
                return (
                  <Fragment key={r.rule_id}>
                    <tr data-rule-id={r.rule_id}>
                      <td>
                        {r.name}
                        <div class="muted small">{r.rule_id}</div>
                      </td>
                      <td>{r.resource_type}</td>
                      <td class="num">
                        <CoverageBar r={r} />
                        {percent(judged(r))}
                      </td>
                      <td class="num">{r.pass}</td>
                      <td class="num">{r.fail}</td>
                      <td class="num">{r.not_evaluated}</td>
                      <td>
                        {r.not_evaluated === 0 ? (
                          <span class="muted">—</span>
                        ) : (
                          <button
                            type="button"
                            class="ghost"
                            aria-expanded={isOpen ? 'true' : 'false'}
                            aria-controls={detailId}
                            title={r.missing_fields.map((m) => `${m.field}: ${m.count}`).join('\n')}
                            onClick={() => setOpen(isOpen ? undefined : r.rule_id)}
                          >
                            {r.missing_fields[0]?.field ?? 'details'}
                            {r.missing_fields.length > 1 ? ` +${r.missing_fields.length - 1}` : ''}
                          </button>
                        )}
                      </td>
                    </tr>
                    {isOpen && coverage.data && (
                      <tr class="coverage-detail-row">
                        <td colSpan={COLUMNS.length + 1}>
                          <RowDetail api={api} r={r} at={coverage.data.at} id={detailId} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {shown.length === 0 && <p class="muted">No rule has resources to judge yet.</p>}
        </div>
      )}
    </section>
  );
}
