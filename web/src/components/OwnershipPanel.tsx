import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { useAsync } from '../use-async.js';
import { ErrorMessage } from './ErrorMessage.js';
import { OwnershipCard } from './OwnershipCard.js';
import { HistoryTimeline } from './HistoryTimeline.js';
import type { InferenceItem, OwnerType } from '../types.js';
import { placePath } from '../router.js';
import { PageLink } from './PageLink.js';

/** The inferred owners of one resource, one card per owner type, and their history. */
export function OwnershipPanel({ api, resourceId }: { api: Api; resourceId: string }) {
  const inferences = useAsync(() => api.listInferences(resourceId), [api, resourceId]);
  const [historyVersion, setHistoryVersion] = useState(0);
  const refresh = () => {
    inferences.reload();
    setHistoryVersion((v) => v + 1);
  };

  return (
    <div class="ownership">
      <p class="muted small">
        Resource <span class="mono">{resourceId}</span>
      </p>
      <p role="status" class="status-line">
        {inferences.loading ? 'Loading ownership…' : ''}
      </p>
      <ErrorMessage error={inferences.error} context="Ownership could not be loaded" />
      {inferences.data?.length === 0 && <p class="muted">No ownership inference yet.</p>}
      <div class="cards">
        {inferences.data?.map((item, i) => {
          // Keyed by owner type, not checksum: feedback changes the checksum, and the card keeps its status line.
          const slot = slotOf(item.id, i);
          return <OwnershipCard key={slot} slot={slot} api={api} resourceId={resourceId} item={item} onChanged={refresh} />;
        })}
      </div>
      <OwnerPageLinks items={inferences.data ?? []} />
      <HistoryTimeline api={api} resourceId={resourceId} version={historyVersion} />
    </div>
  );
}

const SLOTS: OwnerType[] = ['team', 'user', 'service'];

/** Items are `resource_id:owner_type`, one per owner type in this order. */
function slotOf(id: string | undefined, index: number): OwnerType {
  const last = id?.slice(id.lastIndexOf(':') + 1);
  return SLOTS.includes(last as OwnerType) ? (last as OwnerType) : (SLOTS[index] ?? 'team');
}

/** The pages of the team and service these answers name. */
function OwnerPageLinks({ items }: { items: InferenceItem[] }) {
  const links = items.flatMap((item) => {
    const handle = item.primary_contact_ref?.startsWith('ref:handle/') ? item.primary_contact_ref.slice('ref:handle/'.length) : undefined;
    if (!handle || (item.owner_type !== 'team' && item.owner_type !== 'service')) return [];
    return [{ route: item.owner_type, handle }];
  });
  if (links.length === 0) return null;
  return (
    <p class="owner-links small">
      {links.map((l, i) => (
        <span key={l.route}>
          {i > 0 ? ' · ' : ''}
          <PageLink path={placePath(l.route, l.handle)}>
            {l.route === 'team' ? 'Team' : 'Service'} page: {l.handle}
          </PageLink>
        </span>
      ))}
    </p>
  );
}
