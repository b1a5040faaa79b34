import { useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { EMPTY_FILTERS, type FindingsFilters as Filters } from '../findings-query.js';
import { back, FIRST_PAGE, forward, pageNumber } from '../cursor-stack.js';
import { queryProblem } from '../security-findings.js';
import { useAsync } from '../use-async.js';
import { FindingsQueryBox } from './FindingsQueryBox.js';
import { FindingsFilters } from './FindingsFilters.js';
import { SnapshotControl } from './SnapshotControl.js';
import { FindingsTable } from './FindingsTable.js';
import { Pager } from './Pager.js';
import { FindingPanel } from './FindingPanel.js';
import { ErrorMessage } from './ErrorMessage.js';

const PAGE_SIZE = 50;

export function FindingsPage({ api }: { api: Api }) {
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [snapshot, setSnapshot] = useState<number | undefined>();
  const [cursors, setCursors] = useState(FIRST_PAGE);
  const [openId, setOpenId] = useState<string>();
  const opener = useRef<HTMLElement | null>(null);

  // A query lists through the Security Findings API, which has neither the filters nor a point in time: always now.
  const shownAt = query ? undefined : snapshot;
  const page = useAsync(
    () =>
      query
        ? api.searchFindings({ query, limit: PAGE_SIZE, cursor: cursors.current })
        : api.listFindings({ filters, limit: PAGE_SIZE, cursor: cursors.current, snapshot }),
    [api, query, filters, snapshot, cursors],
  );
  const meta = page.data?.meta;
  const total = meta?.page?.total_filtered_count;
  const problem = query && page.error instanceof ApiError && page.error.status === 400 ? queryProblem(page.error.errors) : undefined;
  /** A change of what is listed starts again from the first page. */
  const fromFirstPage =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setCursors(FIRST_PAGE);
    };

  const open = (id: string) => {
    opener.current = document.activeElement as HTMLElement | null;
    setOpenId(id);
  };
  const close = () => {
    setOpenId(undefined);
    // Focus goes back to the row (or button) the reviewer opened the panel from.
    requestAnimationFrame(() => opener.current?.focus());
  };

  return (
    <div class={openId ? 'with-panel' : undefined}>
      <h1>Findings</h1>
      <FindingsQueryBox value={query} problem={problem} onSearch={fromFirstPage(setQuery)} />
      {!query && (
        <>
          <FindingsFilters value={filters} onApply={fromFirstPage(setFilters)} />
          <SnapshotControl value={snapshot} fixedAt={meta?.snapshot_timestamp} onChange={fromFirstPage(setSnapshot)} />
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
      <ErrorMessage error={problem ? undefined : page.error} context="Findings could not be loaded" />
      {page.data && <FindingsTable findings={page.data.data} selectedId={openId} onOpen={open} busy={page.loading} />}
      <Pager
        page={pageNumber(cursors)}
        hasPrevious={cursors.previous.length > 0}
        hasNext={Boolean(meta?.page?.cursor) && (page.data?.data.length ?? 0) > 0}
        disabled={page.loading}
        onPrevious={() => setCursors(back(cursors))}
        onNext={() => meta?.page?.cursor && setCursors(forward(cursors, meta.page.cursor))}
      />
      {openId && <FindingPanel api={api} findingId={openId} snapshot={shownAt} onClose={close} onChanged={page.reload} />}
    </div>
  );
}
