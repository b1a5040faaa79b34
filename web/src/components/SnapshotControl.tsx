import { useState } from 'preact/hooks';
import { localInputToMs, msToLocalInput } from '../findings-query.js';
import { formatMs } from '../format.js';

interface Props {
  value?: number;
  /** meta.snapshot_timestamp of the shown page: the instant it is fixed at. */
  fixedAt?: number;
  onChange: (snapshot: number | undefined) => void;
}

/** Time travel: show the findings as they stood at a past instant. */
export function SnapshotControl({ value, fixedAt, onChange }: Props) {
  const [draft, setDraft] = useState(value === undefined ? '' : msToLocalInput(value));
  return (
    <form
      class="snapshot card"
      aria-label="Point in time"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(localInputToMs(draft));
      }}
    >
      <div class="field">
        <label for="snapshot-at">Show findings as of</label>
        <input id="snapshot-at" type="datetime-local" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      </div>
      <button type="submit">Go to instant</button>
      <button
        type="button"
        disabled={value === undefined}
        onClick={() => {
          setDraft('');
          onChange(undefined);
        }}
      >
        Back to now
      </button>
      <p class="snapshot-fixed">
        {fixedAt === undefined ? (
          'Live view.'
        ) : (
          <>
            {value === undefined ? 'Live view; this page is fixed at ' : 'Past view fixed at '}
            <strong data-testid="snapshot-fixed">{formatMs(fixedAt)}</strong>
            <span class="muted"> ({fixedAt} ms)</span>
          </>
        )}
      </p>
    </form>
  );
}
