import { useEffect, useRef } from 'preact/hooks';
import type { Api } from '../api.js';
import { formatMs } from '../format.js';
import { useAsync } from '../use-async.js';
import { ErrorMessage } from './ErrorMessage.js';
import { SeverityBadge } from './SeverityBadge.js';
import { MessageView } from './MessageView.js';
import { TagList } from './TagList.js';
import { MuteForm } from './MuteForm.js';
import { ConfigTree } from './ConfigTree.js';
import { OwnershipPanel } from './OwnershipPanel.js';
import { PageLink } from './PageLink.js';
import { placePath } from '../router.js';

interface Props {
  api: Api;
  findingId: string;
  snapshot?: number;
  onClose: () => void;
  /** Something about the finding changed (a mute): the list refreshes. */
  onChanged: () => void;
}

/** The side panel of one finding; Escape or the close button closes it and focus returns to its row. */
export function FindingPanel({ api, findingId, snapshot, onClose, onChanged }: Props) {
  const finding = useAsync(() => api.getFinding(findingId, snapshot), [api, findingId, snapshot]);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [findingId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const a = finding.data?.attributes;
  return (
    <div class="side-panel" role="dialog" aria-modal="false" aria-labelledby="panel-title">
      <div class="panel-head">
        <h2 id="panel-title" tabIndex={-1} ref={heading}>
          {a?.rule?.name ?? 'Finding'}
        </h2>
        <button type="button" class="ghost" onClick={onClose} aria-label="Close finding details">
          Close ✕
        </button>
      </div>
      <p role="status" class="status-line">
        {finding.loading ? 'Loading finding…' : ''}
      </p>
      <ErrorMessage error={finding.error} context="This finding could not be loaded" />
      {a && (
        <>
          <dl class="facts">
            <dt>Severity</dt>
            <dd>
              <SeverityBadge severity={a.status} />
            </dd>
            <dt>Evaluation</dt>
            <dd class={`eval-${a.evaluation}`}>{a.evaluation}</dd>
            <dt>Resource</dt>
            <dd>
              <span class="mono break">{a.resource}</span>
              {a.resource_id && (
                <>
                  {' '}
                  <PageLink path={placePath('resource', a.resource_id)}>Resource page</PageLink>
                </>
              )}
            </dd>
            <dt>Resource type</dt>
            <dd class="mono">{a.resource_type}</dd>
            <dt>Rule id</dt>
            <dd class="mono">{a.rule?.id}</dd>
            <dt>Evaluation changed</dt>
            <dd>{formatMs(a.evaluation_changed_at)}</dd>
            <dt>Finding id</dt>
            <dd class="mono small">{findingId}</dd>
          </dl>
          <section aria-labelledby="sec-message">
            <h3 id="sec-message">Message</h3>
            {a.message ? <MessageView markdown={a.message} /> : <p class="muted">No message.</p>}
          </section>
          <section aria-labelledby="sec-tags">
            <h3 id="sec-tags">Tags</h3>
            <TagList tags={a.tags ?? []} />
          </section>
          <section aria-labelledby="sec-mute">
            <h3 id="sec-mute">Mute</h3>
            <MuteForm
              api={api}
              findingId={findingId}
              mute={a.mute}
              onDone={() => {
                finding.reload();
                onChanged();
              }}
            />
          </section>
          <section aria-labelledby="sec-ownership">
            <h3 id="sec-ownership">Ownership</h3>
            {a.resource_id ? (
              <OwnershipPanel api={api} resourceId={a.resource_id} />
            ) : (
              <p class="muted">This finding names no resource id; ownership is unavailable.</p>
            )}
          </section>
          <section aria-labelledby="sec-config">
            <h3 id="sec-config">Resource configuration</h3>
            {a.resource_configuration === undefined ? (
              <p class="muted">None recorded.</p>
            ) : (
              <ConfigTree value={a.resource_configuration} label="configuration" />
            )}
          </section>
        </>
      )}
    </div>
  );
}
