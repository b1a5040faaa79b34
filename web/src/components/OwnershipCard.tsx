import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { ownerHandle } from '../confidence.js';
import { describeObject, formatIso } from '../format.js';
import type { FeedbackAction, FeedbackInput, InferenceItem, OwnerType } from '../types.js';
import type { Slot } from '../owner-options.js';
import { MessageView } from './MessageView.js';
import { ConfidenceBar } from './ConfidenceBar.js';
import { CorrectForm } from './OwnerPicker.js';
import { ErrorMessage } from './ErrorMessage.js';

interface Props {
  api: Api;
  resourceId: string;
  item: InferenceItem;
  onChanged: () => void;
  /** The owner type this card answers (team, user, service), also when the answer is `unknown`. */
  slot: OwnerType;
}

const DONE: Record<FeedbackAction, string> = {
  confirm: 'Confirmed',
  reject: 'Rejected',
  correct: 'Corrected',
  persist: 'Persisted',
};

/** One owner type's inference with the reviewer's four answers; the item's checksum guards against deciding on a stale view. */
export function OwnershipCard({ api, resourceId, item, onChanged, slot }: Props) {
  const [correcting, setCorrecting] = useState(false);
  const [reason, setReason] = useState('');
  const [corrected, setCorrected] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  const titleId = `owner-${slot}`;
  const hasOwner = Boolean(item.primary_contact_ref);
  // The panel's slots are team, user and service; `unknown` is never one.
  const ownerType: Slot = slot === 'unknown' ? 'team' : slot;

  const send = async (action: FeedbackAction) => {
    const input: FeedbackInput = { action, inference_checksum: item.checksum };
    if (reason.trim()) input.reason = reason.trim();
    if (action === 'correct') {
      if (!corrected) {
        setError(new Error('Pick the correct owner first.'));
        return;
      }
      input.corrected_owner_type = ownerType;
      input.corrected_owner_handle = corrected;
    }
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const result = await api.feedback(resourceId, slot, input);
      setStatus(
        `${DONE[action]}: ${result.previous_status} → ${result.new_status}${result.primary_contact_ref ? `, owner ${ownerHandle(result.primary_contact_ref)}` : ''}, ${formatIso(result.updated_at)}; recorded in the history below.`,
      );
      setCorrecting(false);
      // The reason and the pick went with this answer; left in place they would go with the next one too.
      setReason('');
      setCorrected('');
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setStatus('');
        setError(new Error('This inference changed since you loaded it; the current one is now shown. Review it and answer again.'));
        onChanged();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="card owner-card" aria-labelledby={titleId} data-owner-type={item.owner_type} data-slot={slot}>
      <h4 id={titleId}>
        <span class="owner-type">{slot}</span>{' '}
        <span class="owner-handle">{hasOwner ? ownerHandle(item.primary_contact_ref) : `no owner found (${item.owner_type})`}</span>
      </h4>
      <ConfidenceBar confidence={item.confidence} />
      <p>
        <span class={`status-pill st-${item.status}`}>{item.status}</span>{' '}
        <span class="muted small">updated {formatIso(item.updated_at ?? item.created_at)}</span>
      </p>
      <div class="explanation">
        <MessageView markdown={item.explanation} links={false} />
      </div>
      <details>
        <summary>
          Sources ({item.sources.length}) and evidence versions ({item.evidence_versions.length})
        </summary>
        <h5>Sources</h5>
        <ul class="small">
          {item.sources.map((s, i) => (
            <li key={i}>{describeObject(s)}</li>
          ))}
        </ul>
        <h5>Evidence versions</h5>
        <ul class="small mono">
          {item.evidence_versions.map((v, i) => (
            <li key={i}>{describeObject(v)}</li>
          ))}
        </ul>
      </details>
      <div class="field wide">
        <label for={`reason-${slot}`}>Reason (optional)</label>
        <input id={`reason-${slot}`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      {/* Confirm, reject and persist need an owner to judge; an answer without one can only be corrected. */}
      <div class="actions" role="group" aria-label={`Answer the ${slot} inference`}>
        {hasOwner && (
          <button type="button" class="primary" disabled={busy} onClick={() => send('confirm')}>
            Confirm
          </button>
        )}
        {hasOwner && (
          <button type="button" disabled={busy} onClick={() => send('reject')}>
            Reject
          </button>
        )}
        <button type="button" disabled={busy} aria-expanded={correcting ? 'true' : 'false'} onClick={() => setCorrecting(!correcting)}>
          Correct…
        </button>
        {hasOwner && (
          <button type="button" disabled={busy} onClick={() => send('persist')}>
            Persist
          </button>
        )}
      </div>
      {correcting && (
        <CorrectForm
          api={api}
          idPrefix={`correct-${slot}`}
          ownerType={ownerType}
          value={corrected}
          onChange={setCorrected}
          busy={busy}
          onSubmit={() => void send('correct')}
        />
      )}
      <p role="status" class="status-line">
        {busy ? 'Sending…' : status}
      </p>
      <ErrorMessage error={error} />
    </article>
  );
}
