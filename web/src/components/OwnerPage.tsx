import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { navigate, placePath } from '../router.js';
import { useAsync } from '../use-async.js';
import {
  CRITICAL_HIGH_OPEN,
  countBySeverity,
  countsByResource,
  ownerQuery,
  trendInstants,
  trendWindow,
  type OwnerKind,
  type TrendPoint,
} from '../owner-view.js';
import { formatMs } from '../format.js';
import { SEVERITIES, type ReviewItem } from '../types.js';
import type { KnownOwner } from '../page-types.js';
import { ErrorMessage } from './ErrorMessage.js';
import { ConfidenceBar } from './ConfidenceBar.js';
import { SeverityBadge } from './SeverityBadge.js';
import { TrendChart } from './TrendChart.js';
import { PageLink } from './PageLink.js';

interface Props {
  api: Api;
  kind: OwnerKind;
  handle: string;
  params: URLSearchParams;
}

const NOUN = { team: 'Team', service: 'Service' } as const;
const ROUTE = { team: 'team', service: 'service' } as const;

/** A team's or a service's page: what it owns, their open findings, what it should review, and its trend. */
export function OwnerPage({ api, kind, handle, params }: Props) {
  const span = trendWindow(params, Date.now());
  const owners = useAsync(() => api.owners(kind), [api, kind]);
  const detail = useAsync(() => api.owner(kind, handle), [api, kind, handle]);
  const open = useAsync(() => api.allSearchFindings(ownerQuery(kind, handle, '@status:open')), [api, kind, handle]);
  // The whole queue of this owner type, read to its end, then its items naming this owner.
  const review = useAsync(async () => {
    const mine: ReviewItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.reviewQueue(kind, cursor, 1000);
      mine.push(...page.data.filter((i) => i.attributes.inference.owner_handle?.toLowerCase() === handle.toLowerCase()));
      cursor = page.meta.page.cursor;
    } while (cursor);
    return mine;
  }, [api, kind, handle]);
  const trend = useAsync(async (): Promise<TrendPoint[]> => {
    const query = ownerQuery(kind, handle, CRITICAL_HIGH_OPEN);
    return Promise.all(
      trendInstants(span.start, span.end).map(async (instant) => {
        const { rows, at } = await api.allSearchFindings(query, instant);
        const c = countBySeverity(rows);
        return { at: at ?? instant, critical: c.critical, high: c.high };
      }),
    );
  }, [api, kind, handle, params.get('range'), params.get('from'), params.get('to')]);

  const owner = detail.data;
  const totals = open.data && countBySeverity(open.data.rows);
  const byResource = open.data ? countsByResource(open.data.rows) : new Map();
  const answered = new Set(owner?.answers.map((a) => a.resource_id));
  const unanswered = [...byResource.keys()].filter((id) => !answered.has(id)).sort();

  return (
    <section class="owner-page" aria-labelledby="owner-title">
      <h1 id="owner-title">
        {NOUN[kind]} {owner?.name && owner.name !== owner.handle ? `${owner.name} (${handle})` : handle}
      </h1>
      <OwnerSelect kind={kind} handle={handle} owners={owners.data} />
      <ErrorMessage error={owners.error} context={`The ${kind}s could not be listed`} />
      <ErrorMessage error={detail.error} context={`This ${kind} could not be loaded`} />
      {owner && (
        <p class="muted small" data-testid="known-from">
          Known from: {owner.known_from.length ? owner.known_from.join(', ') : 'nothing'}.
        </p>
      )}
      <p class="owned-meaning card" id="owned-meaning">
        <strong>What “owned” means here:</strong> a resource is owned by {NOUN[kind].toLowerCase()} <span class="mono">{handle}</span> when its
        current {kind} ownership answer names it, whatever that answer’s status (suggested, persisted or corrected) and confidence. Open findings are
        failing and not muted. The findings and the trend ask the Security Findings API for <code>{ownerQuery(kind, handle)}</code>, which reads the
        answer as it stood at each instant.
      </p>

      <section aria-labelledby="open-title" class="card">
        <h2 id="open-title">Open findings by severity</h2>
        <p role="status" class="status-line">
          {open.loading ? 'Loading findings…' : ''}
        </p>
        <ErrorMessage error={open.error} context="The open findings could not be loaded" />
        {totals && (
          <dl class="severity-totals" data-testid="open-by-severity" data-at={open.data?.at}>
            {SEVERITIES.map((s) => (
              <div key={s}>
                <dt>
                  <SeverityBadge severity={s} />
                </dt>
                <dd data-severity={s}>{totals[s]}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section aria-labelledby="owned-title">
        <h2 id="owned-title">Resources it owns ({owner ? owner.answers.length : '…'})</h2>
        {owner && owner.answers.length === 0 && <p class="muted">No current answer names this {kind}.</p>}
        {owner && owner.answers.length > 0 && (
          <div class="table-wrap">
            <table class="owned-resources stack-narrow">
              <caption class="sr-only">Resources whose current {kind} answer names it, with their open findings by severity</caption>
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Type</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Status</th>
                  {SEVERITIES.map((s) => (
                    <th scope="col" class="num" key={s}>
                      {s}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {owner.answers.map((a) => {
                  const counts = byResource.get(a.resource_id);
                  return (
                    <tr key={a.resource_id} data-resource-id={a.resource_id}>
                      <td data-label="Resource">
                        <PageLink path={placePath('resource', a.resource_id)} class="mono break">
                          {a.resource_name ?? a.resource_id}
                        </PageLink>
                      </td>
                      <td data-label="Type" class="mono">
                        {a.resource_type ?? '—'}
                      </td>
                      <td data-label="Confidence">
                        <ConfidenceBar confidence={a.confidence} />
                      </td>
                      <td data-label="Status">{a.status}</td>
                      {SEVERITIES.map((s) => (
                        <td data-label={s} class="num" data-severity={s} key={s}>
                          {counts?.[s] ?? 0}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {unanswered.length > 0 && <p class="muted small">Open findings listed for resources whose answer changed since: {unanswered.join(', ')}.</p>}
      </section>

      <section aria-labelledby="review-title">
        <h2 id="review-title">To review ({review.data ? review.data.length : '…'})</h2>
        <p class="muted small">
          Its {kind} answers in the review queue (no reviewer has acted on them), the review worth most first.{' '}
          <PageLink path={placePath('review', undefined, { owner_type: kind })}>The whole queue</PageLink>
        </p>
        <ErrorMessage error={review.error} context="The review queue could not be loaded" />
        {review.data?.length === 0 && <p class="muted">Nothing of this {kind} waits for review.</p>}
        {review.data && review.data.length > 0 && (
          <ol class="review-items">
            {review.data.map((item) => (
              <li key={item.id} data-resource-id={item.attributes.resource.id} class="card">
                <PageLink path={placePath('resource', item.attributes.resource.id)} class="mono break">
                  {item.attributes.resource.id}
                </PageLink>
                <ConfidenceBar confidence={item.attributes.inference.confidence} />
                <p class="small">
                  Score {item.attributes.score.toFixed(3)}: {item.attributes.reason}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="trend-title" class="card">
        <h2 id="trend-title">Open critical and high findings over time</h2>
        <div class="field inline">
          <label for="trend-range">Window</label>
          <select
            id="trend-range"
            value={span.range}
            onChange={(e) => navigate(placePath(ROUTE[kind], handle, { range: e.currentTarget.value }), { replace: true })}
          >
            {span.range === 'custom' && (
              <option value="custom" disabled>
                {formatMs(span.start)} to {formatMs(span.end)}
              </option>
            )}
            <option value="1d">the last day</option>
            <option value="7d">the last 7 days</option>
            <option value="30d">the last 30 days</option>
            <option value="90d">the last 90 days</option>
          </select>
        </div>
        <p role="status" class="status-line">
          {trend.loading ? 'Asking the API at each instant…' : ''}
        </p>
        <ErrorMessage error={trend.error} context="The trend could not be computed" />
        {trend.data && <TrendChart points={trend.data} />}
      </section>
    </section>
  );
}

/** Another team or service: every one the organization knows. */
function OwnerSelect({ kind, handle, owners }: { kind: OwnerKind; handle: string; owners?: KnownOwner[] }) {
  const [picked, setPicked] = useState(handle);
  const listed = owners ?? [];
  return (
    <form
      class="owner-select"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked) navigate(placePath(ROUTE[kind], picked));
      }}
    >
      <label for="owner-select">{NOUN[kind]}</label>
      <select id="owner-select" value={picked} onChange={(e) => setPicked(e.currentTarget.value)}>
        {!listed.some((o) => o.handle.toLowerCase() === handle.toLowerCase()) && <option value={handle}>{handle}</option>}
        {listed.map((o) => (
          <option key={o.handle} value={o.handle}>
            {o.name !== o.handle ? `${o.name} (${o.handle})` : o.handle} · {o.owned_answers} owned · {o.known_from.join(', ')}
          </option>
        ))}
      </select>
      <button type="submit">Open</button>
    </form>
  );
}
