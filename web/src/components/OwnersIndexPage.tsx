import type { Api } from '../api.js';
import { placePath } from '../router.js';
import { useAsync } from '../use-async.js';
import type { KnownOwner } from '../page-types.js';
import type { OwnerKind } from '../owner-view.js';
import { ErrorMessage } from './ErrorMessage.js';
import { PageLink } from './PageLink.js';

const KINDS: Array<{ kind: OwnerKind; title: string; route: 'team' | 'service' }> = [
  { kind: 'team', title: 'Teams', route: 'team' },
  { kind: 'service', title: 'Services', route: 'service' },
];

/** Every team and service the organization knows, each linking to its page (the way in to the team and service views). */
export function OwnersIndexPage({ api }: { api: Api }) {
  return (
    <section aria-labelledby="owners-title">
      <h1 id="owners-title">Teams and services</h1>
      <p class="hint">
        Every team and service the directory, CODEOWNERS files, the service catalog or a current ownership answer knows, with how many current answers
        name it.
      </p>
      <div class="owners-index">
        {KINDS.map((k) => (
          <OwnerList key={k.kind} api={api} {...k} />
        ))}
      </div>
    </section>
  );
}

function OwnerList({ api, kind, title, route }: { api: Api; kind: OwnerKind; title: string; route: 'team' | 'service' }) {
  const owners = useAsync(() => api.owners(kind), [api, kind]);
  const headingId = `owners-${kind}`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {owners.error && <ErrorMessage error={owners.error} />}
      {owners.loading && <p>Loading…</p>}
      {owners.data && owners.data.length === 0 && <p>None known yet.</p>}
      {owners.data && owners.data.length > 0 && (
        <ul class="owner-list">
          {owners.data.map((o: KnownOwner) => (
            <li key={o.handle}>
              <PageLink path={placePath(route, o.handle)}>{o.name !== o.handle ? `${o.name} (${o.handle})` : o.handle}</PageLink>{' '}
              <span class="hint">
                {o.owned_answers} owned · {o.known_from.join(', ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
