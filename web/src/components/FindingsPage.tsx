import { useRef } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import type { FindingsFilters as Filters } from '../findings-query.js';
import { back, forward, pageNumber, type CursorStack } from '../cursor-stack.js';
import { findingsViewFrom, findingsViewParams, type FindingsView } from '../findings-url.js';
import { navigate, placePath } from '../router.js';
import { queryProblem } from '../security-findings.js';
import { useAsync } from '../use-async.js';
import { FindingsQueryBox } from './FindingsQueryBox.js';
import { FindingsFilters } from './FindingsFilters.js';
import { SnapshotControl } from './SnapshotControl.js';
import { FindingsTable } from './FindingsTable.js';
import { Pager } from './Pager.js';
import { FindingPanel } from './FindingPanel.js';
import { ErrorMessage } from './ErrorMessage.js';
import { ExportLinks } from './ExportLinks.js';

const PAGE_SIZE = 50;

/** The cursors of the pages before this one travel with the history entry (history.state); a shared link has none. */
interface EntryState {
  previous?: Array<string | undefined>;
}

/** The explorer's whole view lives in the address (`params`): back, forward, reload and a shared link reopen it. */
export function FindingsPage({ api, params }: { api: Api; params: URLSearchParams }) {
  const view = findingsViewFrom(params);
  const { query, filters, snapshot, finding: openId } = view;
  const entry = (history.state ?? {}) as EntryState;
  // Without the entry's stack (a shared link to a later page), "previous" goes back to the first page.
  const cursors: CursorStack = { previous: entry.previous ?? (view.cursor ? [undefined] : []), current: view.cursor };
  const opener = useRef<HTMLElement | null>(null);
  const go = (next: FindingsView, previous = cursors.previous) =>
    navigate(placePath('findings', undefined, findingsViewParams(next)), { state: { previous } satisfies EntryState });

  // A query lists through the Security Findings API, which has neither the filters nor a point in time: always now.
  const shownAt = query ? undefined : snapshot;
  const filtersKey = findingsViewParams({ ...view, query: '', cursor: undefined, finding: undefined }).toString();
  const page = useAsync(
    () =>
      query
        ? api.searchFindings({ query, limit: PAGE_SIZE, cursor: cursors.current })
        : api.listFindings({ filters, limit: PAGE_SIZE, cursor: cursors.current, snapshot }),
    [api, query, filtersKey, cursors.current],
  );
  const meta = page.data?.meta;
  const total = meta?.page?.total_filtered_count;
  const problem = query && page.error instanceof ApiError && page.error.status === 400 ? queryProblem(page.error.errors) : undefined;
  /** A change of what is listed starts again from the first page, with no finding open. */
  const list = (change: Partial<FindingsView>) => go({ ...view, ...change, cursor: undefined, finding: undefined }, []);

  const open = (id: string) => {
    opener.current = document.activeElement as HTMLElement | null;
    go({ ...view, finding: id });
  };
  const close = () => {
    go({ ...view, finding: undefined });
    // Focus goes back to the row (or button) the reviewer opened the panel from.
    requestAnimationFrame(() => opener.current?.focus());
  };
  const toPage = (stack: CursorStack) => go({ ...view, cursor: stack.current, finding: undefined }, stack.previous);

  return (
    <div class={openId ? 'with-panel' : undefined}>
      <h1>Findings</h1>
      <FindingsQueryBox key={query} value={query} problem={problem} onSearch={(q) => list({ query: q })} />
      {!query && (
        <>
          <FindingsFilters key={filtersKey} value={filters} onApply={(f: Filters) => list({ filters: f })} />
          <SnapshotControl key={snapshot} value={snapshot} fixedAt={meta?.snapshot_timestamp} onChange={(at) => list({ snapshot: at })} />
        </>
      )}
      <p role="status" class="status-line">
        {page.loading
          ? 'Loading findings…'
          : page.error
            ? ''
            : query
              ? `Page ${pageNumber(cursors)} shows ${page.data?.data.length ?? 0} findings matching the query.`
              : `${total ?? page.data?.data.length ?? 0} findings match; page ${pageNumber(cursors)} shows ${page.data?.data.length ?? 0}.`}
      </p>
      <ExportLinks query={query} filters={filters} snapshot={query ? undefined : (meta?.snapshot_timestamp ?? snapshot)} />
      <ErrorMessage error={problem ? undefined : page.error} context="Findings could not be loaded" />
      {page.data && <FindingsTable findings={page.data.data} selectedId={openId} onOpen={open} busy={page.loading} />}
      <Pager
        page={pageNumber(cursors)}
        hasPrevious={cursors.previous.length > 0}
        hasNext={Boolean(meta?.page?.cursor) && (page.data?.data.length ?? 0) > 0}
        disabled={page.loading}
        onPrevious={() => toPage(back(cursors))}
        onNext={() => meta?.page?.cursor && toPage(forward(cursors, meta.page.cursor))}
      />
      {openId && <FindingPanel api={api} findingId={openId} snapshot={shownAt} onClose={close} onChanged={page.reload} />}
    </div>
  );
}
