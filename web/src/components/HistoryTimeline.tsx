import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { ownerHandle } from '../confidence.js';
import { formatIso } from '../format.js';
import type { FeedbackAction, HistoryItem } from '../types.js';
import { ErrorMessage } from './ErrorMessage.js';

const REVIEWED: Record<FeedbackAction, string> = { confirm: 'Confirmed', reject: 'Rejected', correct: 'Corrected', persist: 'Persisted' };

/** The resource's inference history, newest first, with "load more" through the API's cursor. */
export function HistoryTimeline({ api, resourceId, version }: { api: Api; resourceId: string; version: number }) {
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [next, setNext] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = async (cursor?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.history(resourceId, cursor, 20);
      setItems((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.pagination?.has_more ? page.pagination.next_cursor : undefined);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [api, resourceId, version]);

  return (
    <section aria-labelledby="history-title" class="history">
      <h4 id="history-title">History</h4>
      <ErrorMessage error={error} context="History could not be loaded" />
      {items.length === 0 && !loading && !error && <p class="muted">No history yet.</p>}
      <ol class="timeline">
        {items.map((h) => (
          <li key={h.id}>
            <time dateTime={h.created_at}>{formatIso(h.created_at)}</time>
            <span>
              <strong>{h.owner_type}</strong> {ownerHandle(h.primary_contact_ref) || '—'} ·{' '}
              <span class={`status-pill st-${h.status}`}>{h.status}</span> · confidence {h.confidence}
            </span>
            {h.review && (
              <span class="review-line" data-review-action={h.review.action}>
                {REVIEWED[h.review.action]} by <strong>{h.review.actor}</strong>
                {h.review.reason ? `: ${h.review.reason}` : ''}
              </span>
            )}
            {h.failure_reason && <span class="error-text">failed: {h.failure_reason}</span>}
          </li>
        ))}
      </ol>
      <p role="status" class="status-line">
        {loading ? 'Loading history…' : ''}
      </p>
      {next && (
        <button type="button" disabled={loading} onClick={() => load(next)}>
          Load older entries
        </button>
      )}
    </section>
  );
}
