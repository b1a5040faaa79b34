import type { Api } from '../api.js';
import { diffValues, showLeaf } from '../config-diff.js';
import { EMPTY_FILTERS } from '../findings-query.js';
import { formatMs } from '../format.js';
import { navigate, placePath } from '../router.js';
import { useAsync } from '../use-async.js';
import type { ResourceVersion } from '../page-types.js';
import { ErrorMessage } from './ErrorMessage.js';
import { FindingsTable } from './FindingsTable.js';
import { FindingPanel } from './FindingPanel.js';
import { OwnershipPanel } from './OwnershipPanel.js';
import { SnapshotControl } from './SnapshotControl.js';
import { TagList } from './TagList.js';

interface Props {
  api: Api;
  resourceId: string;
  /** at (Unix ms: the findings then), from and to (the versions compared), finding (its panel open). */
  params: URLSearchParams;
}

const numberParam = (params: URLSearchParams, key: string) => {
  const raw = params.get(key);
  const n = raw === null || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
};

/** One resource: its configuration versions and what changed between two, its findings now or then, its ownership. */
export function ResourcePage({ api, resourceId, params }: Props) {
  const at = numberParam(params, 'at');
  const openFinding = params.get('finding') ?? undefined;
  const resource = useAsync(() => api.resource(resourceId), [api, resourceId]);
  const findings = useAsync(() => api.listFindings({ filters: { ...EMPTY_FILTERS }, limit: 100, snapshot: at, resourceId }), [api, resourceId, at]);
  // Every change of the view is in the address, replacing the entry: a reload or a shared link shows the same.
  const go = (changes: Record<string, string | undefined>, replace = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    navigate(placePath('resource', resourceId, next), { replace });
  };

  const r = resource.data?.attributes;
  return (
    <section class="resource-page" aria-labelledby="resource-title">
      <h1 id="resource-title" class="break">
        {r?.name ?? 'Resource'}
      </h1>
      <p class="mono small break" data-testid="resource-id">
        {resourceId}
      </p>
      <p role="status" class="status-line">
        {resource.loading ? 'Loading resource…' : ''}
      </p>
      <ErrorMessage error={resource.error} context="This resource could not be loaded" />
      {r && (
        <dl class="facts card">
          <dt>Type</dt>
          <dd class="mono">{r.resource_type}</dd>
          <dt>Where</dt>
          <dd>{[r.cloud_provider, r.account, r.region].filter(Boolean).join(' · ')}</dd>
          <dt>First seen</dt>
          <dd>{formatMs(r.first_seen_at)}</dd>
          <dt>State</dt>
          <dd>{r.deleted ? 'deleted' : `version ${r.version}`}</dd>
          {r.iac && (
            <>
              <dt>Infrastructure as code</dt>
              <dd class="mono break">{[r.iac.repo, r.iac.path].filter(Boolean).join(' ')}</dd>
            </>
          )}
          <dt>Tags</dt>
          <dd>
            <TagList tags={r.tags} />
          </dd>
        </dl>
      )}

      {r && <Versions versions={r.versions} from={numberParam(params, 'from')} to={numberParam(params, 'to')} onPick={go} />}

      <section aria-labelledby="resource-findings-title">
        <h2 id="resource-findings-title">Findings</h2>
        <SnapshotControl key={at ?? 'now'} value={at} fixedAt={findings.data?.meta.snapshot_timestamp} onChange={(s) => go({ at: s?.toString() })} />
        <ErrorMessage error={findings.error} context="The findings could not be loaded" />
        {findings.data && (
          <>
            <p class="muted" data-testid="resource-findings-count">
              {findings.data.meta.page?.total_filtered_count ?? findings.data.data.length} findings{' '}
              {at === undefined ? 'now' : `at ${formatMs(findings.data.meta.snapshot_timestamp)}`} (pass and fail).
            </p>
            <FindingsTable findings={findings.data.data} selectedId={openFinding} onOpen={(id) => go({ finding: id }, false)} />
          </>
        )}
      </section>

      <section aria-labelledby="resource-ownership-title">
        <h2 id="resource-ownership-title">Ownership</h2>
        <OwnershipPanel api={api} resourceId={resourceId} />
      </section>

      {openFinding && (
        <FindingPanel api={api} findingId={openFinding} snapshot={at} onClose={() => go({ finding: undefined })} onChanged={findings.reload} />
      )}
    </section>
  );
}

/** The configuration versions, oldest first, and the difference between the two picked (by default the last two). */
function Versions({
  versions,
  from,
  to,
  onPick,
}: {
  versions: ResourceVersion[];
  from?: number;
  to?: number;
  onPick: (changes: Record<string, string | undefined>) => void;
}) {
  const last = versions[versions.length - 1];
  const newer = versions.find((v) => v.version === to) ?? last;
  const older = versions.find((v) => v.version === from) ?? versions[versions.length - 2] ?? newer;
  const rows =
    older && newer
      ? diffValues(
          { name: older.name, tags: older.tags, deleted: older.deleted, configuration: older.configuration },
          { name: newer.name, tags: newer.tags, deleted: newer.deleted, configuration: newer.configuration },
        )
      : [];
  const picker = (id: string, label: string, value: number | undefined, key: 'from' | 'to') => (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={String(value ?? '')} onChange={(e) => onPick({ [key]: e.currentTarget.value })}>
        {versions.map((v) => (
          <option key={v.version} value={String(v.version)}>
            version {v.version} · {formatMs(v.valid_from)}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Configuration versions ({versions.length})</h2>
      <div class="table-wrap">
        <table class="versions stack-narrow">
          <caption class="sr-only">Configuration versions, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">Source</th>
              <th scope="col">Actor</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td data-label="Version">
                  {v.version}
                  {v.deleted ? ' (deleted)' : ''}
                </td>
                <td data-label="From">{formatMs(v.valid_from)}</td>
                <td data-label="Until">{v.valid_to === null ? 'now' : formatMs(v.valid_to)}</td>
                <td data-label="Source" class="mono">
                  {v.source ?? '—'}
                </td>
                <td data-label="Actor" class="mono">
                  {v.actor ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <form class="diff-pick card" aria-label="Versions to compare" onSubmit={(e) => e.preventDefault()}>
          {picker('diff-from', 'Compare version', older?.version, 'from')}
          {picker('diff-to', 'with version', newer?.version, 'to')}
        </form>
      )}
      {versions.length > 1 && older && newer && (
        <div class="diff" data-testid="version-diff" data-from={older.version} data-to={newer.version}>
          {rows.length === 0 ? (
            <p class="muted">
              No difference between version {older.version} and version {newer.version}.
            </p>
          ) : (
            <ul class="diff-rows">
              {rows.map((d) => (
                <li key={d.path} class={`diff-${d.kind}`} data-path={d.path} data-kind={d.kind}>
                  <span class="mono break diff-path">{d.path}</span> <span class="diff-kind">{d.kind}</span>
                  {d.kind !== 'added' && <del class="mono break">{showLeaf(d.before)}</del>}
                  {d.kind !== 'removed' && <ins class="mono break">{showLeaf(d.after)}</ins>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
