import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { ownerHandle } from '../confidence.js';
import type { Slot } from '../owner-options.js';
import { navigate, placePath } from '../router.js';
import type { FeedbackAction, ReviewItem } from '../types.js';
import { useAsync } from '../use-async.js';
import { ConfidenceBar } from './ConfidenceBar.js';
import { ErrorMessage } from './ErrorMessage.js';
import { MessageView } from './MessageView.js';
import { CorrectForm } from './OwnerPicker.js';

const SLOTS: Slot[] = ['team', 'user', 'service'];
const KEYS: Array<{ key: string; action: FeedbackAction; label: string }> = [
  { key: 'c', action: 'confirm', label: 'Confirm' },
  { key: 'r', action: 'reject', label: 'Reject' },
  { key: 'e', action: 'correct', label: 'Correct…' },
  { key: 'p', action: 'persist', label: 'Persist' },
];
const DONE: Record<FeedbackAction, string> = { confirm: 'Confirmed', reject: 'Rejected', correct: 'Corrected', persist: 'Persisted' };

/** What this tab's session did: the number of reviews and the queue's mean confidence when it started, per owner type. */
interface Session {
  reviews: number;
  startMean: Partial<Record<Slot, number>>;
}
const SESSION_KEY = 'steward.review-session';
function loadSession(): Session {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    if (s && typeof s.reviews === 'number') return s;
  } catch {
    // A damaged entry starts a new session.
  }
  return { reviews: 0, startMean: {} };
}

const meanConfidence = (items: ReviewItem[]) =>
  items.length === 0 ? undefined : items.reduce((sum, i) => sum + Number(i.attributes.inference.confidence), 0) / items.length;

/**
 * The ownership review queue of one owner type (`/review?owner_type=team&cursor=…`), the review that teaches most first;
 * one key per answer (c, r, e, p), and the next item follows.
 */
export function ReviewPage({ api, params }: { api: Api; params: URLSearchParams }) {
  const slot: Slot = SLOTS.find((s) => s === params.get('owner_type')) ?? 'team';
  const cursor = params.get('cursor') ?? undefined;
  const queue = useAsync(() => api.reviewQueue(slot, cursor), [api, slot, cursor]);
  const [session, setSession] = useState(loadSession);
  const [status, setStatus] = useState('');
  // Outlives the item it is about: a refused answer's item is replaced when the queue is read again.
  const [refused, setRefused] = useState<Error>();
  const items = queue.data?.data ?? [];
  const item = items[0];
  const mean = meanConfidence(items);

  useEffect(() => {
    if (mean === undefined || session.startMean[slot] !== undefined) return;
    const next = { ...session, startMean: { ...session.startMean, [slot]: mean } };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    setSession(next);
  }, [slot, mean]);

  const reviewed = (text: string) => {
    const next = { ...session, reviews: session.reviews + 1 };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    setSession(next);
    setRefused(undefined);
    setStatus(text);
    queue.reload();
  };
  /** A 409: nothing was recorded, so the count stays; the queue is read again to show the answer as it is now. */
  const stale = (text: string) => {
    setStatus('');
    setRefused(new Error(text));
    queue.reload();
  };
  useEffect(() => setRefused(undefined), [slot, cursor]);
  const start = session.startMean[slot];

  return (
    <div class="review-page">
      <h1>Review queue</h1>
      <nav class="tabs" aria-label="Owner type">
        <ul>
          {SLOTS.map((s) => (
            <li key={s}>
              <a
                href={placePath('review', undefined, { owner_type: s })}
                aria-current={s === slot ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(placePath('review', undefined, { owner_type: s }));
                }}
              >
                {s}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <dl class="facts review-stats">
        <dt>Reviews this session</dt>
        <dd data-testid="review-count">{session.reviews}</dd>
        <dt>Waiting ({slot})</dt>
        <dd data-testid="queue-total">{queue.data?.meta.page.total_filtered_count ?? '…'}</dd>
        <dt>Mean confidence of the answers waiting</dt>
        <dd data-testid="confidence-moved">
          {start === undefined
            ? '—'
            : mean === undefined
              ? `${start.toFixed(4)} when this session started; none waits now`
              : `${start.toFixed(4)} when this session started, ${mean.toFixed(4)} now (${mean >= start ? '+' : ''}${(mean - start).toFixed(4)})`}
        </dd>
      </dl>
      <p role="status" class="status-line" data-testid="review-status">
        {queue.loading ? 'Loading the queue…' : status}
      </p>
      <ErrorMessage error={refused} />
      <ErrorMessage error={queue.error} context="The review queue could not be loaded" />
      {queue.data && !item && <p class="empty">Nothing of this owner type waits for review.</p>}
      {item && (
        <ReviewCurrent key={`${item.id}/${item.attributes.inference.checksum}`} api={api} item={item} slot={slot} onDone={reviewed} onStale={stale} />
      )}
      {items.length > 1 && (
        <section aria-labelledby="review-next-title">
          <h2 id="review-next-title">Next in the queue</h2>
          <ol class="review-list">
            {items.slice(1).map((i) => (
              <li key={i.id} data-resource-id={i.attributes.resource.id}>
                <span class="mono break">{i.attributes.resource.id}</span> · {answerOf(i)} · confidence {i.attributes.inference.confidence}
                <span class="muted small"> · {i.attributes.reason}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {queue.data?.meta.page.cursor && (
        <button type="button" onClick={() => navigate(placePath('review', undefined, { owner_type: slot, cursor: queue.data?.meta.page.cursor }))}>
          Next page of the queue
        </button>
      )}
    </div>
  );
}

const answerOf = (i: ReviewItem) =>
  i.attributes.inference.owner_handle ? `${i.attributes.owner_type} ${i.attributes.inference.owner_handle}` : `no ${i.attributes.owner_type} found`;

interface CurrentProps {
  api: Api;
  item: ReviewItem;
  slot: Slot;
  onDone: (status: string) => void;
  /** The server refused the answer as stale (409): why, for the reviewer. */
  onStale: (text: string) => void;
}

/** The item under review: its answer, confidence, why it is first and the answer's explanation; the four keys. */
function ReviewCurrent({ api, item, slot, onDone, onStale }: CurrentProps) {
  const a = item.attributes;
  const resourceId = a.resource.id;
  const inference = useAsync(() => api.getInference(resourceId, slot), [api, resourceId, slot]);
  const [correcting, setCorrecting] = useState(false);
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const hasOwner = Boolean(a.inference.owner_handle);
  const offered = KEYS.filter((k) => hasOwner || k.action === 'correct');

  const send = async (action: FeedbackAction) => {
    if (busy) return;
    if (action === 'correct' && !handle) {
      setCorrecting(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.feedback(resourceId, slot, {
        action,
        inference_checksum: a.inference.checksum,
        ...(action === 'correct' ? { corrected_owner_type: slot, corrected_owner_handle: handle } : {}),
      });
      const owner = result.primary_contact_ref ? `, owner ${ownerHandle(result.primary_contact_ref)}` : '';
      onDone(`${DONE[action]} ${slot} of ${resourceId}: ${result.previous_status} → ${result.new_status}${owner}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        onStale(
          `Not recorded: the ${slot} answer of ${resourceId} changed after the queue was listed (another review or a recompute). The queue is read again, as it is now.`,
        );
      } else setError(err);
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A held key repeats: only its first press answers, not the items that follow it unseen.
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      // Typing in a field is typing, not answering.
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      const k = offered.find((o) => o.key === e.key.toLowerCase());
      if (!k) return;
      e.preventDefault();
      void send(k.action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  return (
    <article class="card review-current" aria-labelledby="review-current-title" data-resource-id={resourceId} data-slot={slot}>
      <h2 id="review-current-title">
        <span class="owner-type">{slot}</span> of <span class="mono break">{resourceId}</span>
      </h2>
      <p>
        Answer: <strong class="owner-handle">{a.inference.owner_handle ?? `no owner found (${a.inference.owner_type})`}</strong>{' '}
        <span class={`status-pill st-${a.inference.status}`}>{a.inference.status}</span>
      </p>
      <ConfidenceBar confidence={a.inference.confidence} />
      <p class="small">Why first: {a.reason}</p>
      <div class="explanation">
        {inference.data ? <MessageView markdown={inference.data.explanation} links={false} /> : <p class="muted">Loading the explanation…</p>}
      </div>
      <div class="actions" role="group" aria-label={`Answer the ${slot} inference`}>
        {offered.map((k) => (
          <button
            key={k.key}
            type="button"
            class={k.action === 'confirm' ? 'primary' : undefined}
            disabled={busy}
            aria-keyshortcuts={k.key}
            onClick={() => (k.action === 'correct' ? setCorrecting(!correcting) : void send(k.action))}
          >
            {k.label} <kbd aria-hidden="true">{k.key}</kbd>
          </button>
        ))}
      </div>
      {correcting && (
        <CorrectForm
          api={api}
          idPrefix={`review-correct-${slot}`}
          ownerType={slot}
          value={handle}
          onChange={setHandle}
          autoFocus
          busy={busy || !handle}
          onSubmit={() => handle && void send('correct')}
        />
      )}
      <ErrorMessage error={error} />
    </article>
  );
}
