import type { Finding } from '../types.js';
import { formatMs } from '../format.js';
import { SeverityBadge } from './SeverityBadge.js';

interface Props {
  findings: Finding[];
  selectedId?: string;
  busy?: boolean;
  onOpen: (id: string) => void;
}

/** One row per finding; a row opens the side panel on click or Enter (rows are in the tab order). */
export function FindingsTable({ findings, selectedId, busy, onOpen }: Props) {
  if (findings.length === 0) return <p class="empty">No findings match these filters.</p>;
  return (
    <div class="table-wrap">
      <table class="findings" aria-busy={busy ? 'true' : 'false'}>
        <caption class="sr-only">Findings; press Enter on a row to open its details.</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Evaluation</th>
            <th scope="col">Rule</th>
            <th scope="col">Resource</th>
            <th scope="col">Type</th>
            <th scope="col">Tags</th>
            <th scope="col">Muted</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((f) => {
            const a = f.attributes;
            return (
              <tr
                key={f.id}
                tabIndex={0}
                data-finding-id={f.id}
                aria-selected={f.id === selectedId ? 'true' : undefined}
                class={f.id === selectedId ? 'selected' : undefined}
                aria-label={`${a.status ?? ''} ${a.evaluation} ${a.rule?.name ?? f.id} on ${a.resource ?? ''}`}
                onClick={() => onOpen(f.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onOpen(f.id);
                  }
                }}
              >
                <td data-label="Severity">
                  <SeverityBadge severity={a.status} />
                </td>
                <td data-label="Evaluation" class={`eval-${a.evaluation}`}>
                  {a.evaluation}
                </td>
                <td data-label="Rule">{a.rule?.name ?? a.rule?.id}</td>
                <td data-label="Resource" class="mono">
                  {a.resource}
                </td>
                <td data-label="Type" class="mono">
                  {a.resource_type}
                </td>
                <td data-label="Tags" class="tags-cell">
                  {(a.tags ?? []).slice(0, 3).join(', ')}
                  {(a.tags?.length ?? 0) > 3 ? ` +${a.tags!.length - 3}` : ''}
                </td>
                <td data-label="Muted">{a.mute?.muted ? 'muted' : '—'}</td>
                <td data-label="Changed">{formatMs(a.evaluation_changed_at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
