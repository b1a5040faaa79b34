import { useRef, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { EMPTY_FILTERS, type FindingsFilters as Filters } from '../findings-query.js';
import { back, FIRST_PAGE, forward, pageNumber } from '../cursor-stack.js';
import { useAsync } from '../use-async.js';
import { FindingsFilters } from './FindingsFilters.js';
import { SnapshotControl } from './SnapshotControl.js';
import { FindingsTable } from './FindingsTable.js';
import { Pager } from './Pager.js';
import { FindingPanel } from './FindingPanel.js';
import { ErrorMessage } from './ErrorMessage.js';

const PAGE_SIZE = 50;

export function FindingsPage({ api }: { api: Api }) {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [snapshot, setSnapshot] = useState<number | undefined>();
  const [cursors, setCursors] = useState(FIRST_PAGE);
  const [openId, setOpenId] = useState<string>();
  const opener = useRef<HTMLElement | null>(null);

  const page = useAsync(() => api.listFindings({ filters, limit: PAGE_SIZE, cursor: cursors.current, snapshot }), [api, filters, snapshot, cursors]);
  const meta = page.data?.meta;
  const total = meta?.page?.total_filtered_count;

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
      <FindingsFilters
        value={filters}
        onApply={(f) => {
          setFilters(f);
          setCursors(FIRST_PAGE);
        }}
      />
      <SnapshotControl
        value={snapshot}
        fixedAt={meta?.snapshot_timestamp}
        onChange={(s) => {
          setSnapshot(s);
          setCursors(FIRST_PAGE);
        }}
      />
      <p role="status" class="status-line">
        {page.loading
          ? 'Loading findings…'
          : page.error
            ? ''
            : `${total ?? page.data?.data.length ?? 0} findings match; page ${pageNumber(cursors)} shows ${page.data?.data.length ?? 0}.`}
      </p>
      <ErrorMessage error={page.error} context="Findings could not be loaded" />
      {page.data && <FindingsTable findings={page.data.data} selectedId={openId} onOpen={open} busy={page.loading} />}
      <Pager
        page={pageNumber(cursors)}
        hasPrevious={cursors.previous.length > 0}
        hasNext={Boolean(meta?.page?.cursor) && (page.data?.data.length ?? 0) > 0}
        disabled={page.loading}
        onPrevious={() => setCursors(back(cursors))}
        onNext={() => meta?.page?.cursor && setCursors(forward(cursors, meta.page.cursor))}
      />
      {openId && <FindingPanel api={api} findingId={openId} snapshot={snapshot} onClose={close} onChanged={page.reload} />}
    </div>
  );
}
