import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { useAsync } from '../use-async.js';
import { SEVERITIES } from '../types.js';
import { BarChart } from './BarChart.js';
import { ErrorMessage } from './ErrorMessage.js';
import { SnapshotControl } from './SnapshotControl.js';
import { RuleCoverageTable } from './RuleCoverageTable.js';

export function OverviewPage({ api }: { api: Api }) {
  const [snapshot, setSnapshot] = useState<number>();
  const summary = useAsync(() => api.summary(snapshot), [api, snapshot]);
  const untagged = useAsync(() => api.untagged(), [api]);
  const s = summary.data;
  const u = untagged.data;

  return (
    <div>
      <h1>Overview</h1>
      <SnapshotControl value={snapshot} fixedAt={snapshot} onChange={setSnapshot} />
      <p role="status" class="status-line">
        {summary.loading || untagged.loading ? 'Loading overview…' : s ? `${s.total} findings in total.` : ''}
      </p>
      <ErrorMessage error={summary.error} context="The findings summary could not be loaded" />
      <ErrorMessage error={untagged.error} context="Untagged findings could not be loaded" />
      <div class="charts">
        {s && (
          <>
            <BarChart
              id="by-severity"
              title="Findings by severity"
              bars={SEVERITIES.map((sev) => ({ label: sev, value: s.by_status[sev] ?? 0, tone: `sev-${sev}` }))}
            />
            <BarChart
              id="by-evaluation"
              title="Findings by evaluation"
              bars={[
                { label: 'fail', value: s.by_evaluation.fail ?? 0, tone: 'eval-fail' },
                { label: 'pass', value: s.by_evaluation.pass ?? 0, tone: 'eval-pass' },
              ]}
            />
            <BarChart
              id="top-teams"
              title="Top owners by failing findings"
              bars={s.top_teams_failing.map((t) => ({ label: t.team, value: t.count }))}
            />
          </>
        )}
        {u && (
          <BarChart
            id="untagged"
            title={`Findings without a team tag (${u.total}), by confidence of the inferred team`}
            bars={[
              { label: 'high', value: u.high_confidence, tone: 'band-high' },
              { label: 'medium', value: u.medium_confidence, tone: 'band-medium' },
              { label: 'low', value: u.low_confidence, tone: 'band-low' },
            ]}
          />
        )}
      </div>
      <RuleCoverageTable api={api} snapshot={snapshot} />
    </div>
  );
}
