import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { ownerHandle } from '../confidence.js';
import { describeObject, formatIso } from '../format.js';
import type { Directory, FeedbackAction, FeedbackInput, InferenceItem, OwnerType } from '../types.js';
import { ConfidenceBar } from './ConfidenceBar.js';
import { OwnerPicker } from './OwnerPicker.js';
import { ErrorMessage } from './ErrorMessage.js';

interface Props {
  api: Api;
  resourceId: string;
  item: InferenceItem;
  loadDirectory: () => Promise<Directory>;
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
export function OwnershipCard({ api, resourceId, item, loadDirectory, onChanged, slot }: Props) {
  const [correcting, setCorrecting] = useState(false);
  const [reason, setReason] = useState('');
  const [corrected, setCorrected] = useState<{ type: OwnerType; handle: string }>({ type: slot, handle: '' });
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  const titleId = `owner-${slot}`;

  const send = async (action: FeedbackAction) => {
    const input: FeedbackInput = { action, inference_checksum: item.checksum };
    if (reason.trim()) input.reason = reason.trim();
    if (action === 'correct') {
      if (!corrected.handle) {
        setError(new Error('Pick the correct owner first.'));
        return;
      }
      input.corrected_owner_type = corrected.type;
      input.corrected_owner_handle = corrected.handle;
    }
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const result = await api.feedback(resourceId, slot, input);
      setStatus(
        `${DONE[action]}: ${result.previous_status} → ${result.new_status}${result.primary_contact_ref ? `, owner ${ownerHandle(result.primary_contact_ref)}` : ''}.`,
      );
      setCorrecting(false);
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
    <article class="card owner-card" aria-labelledby={titleId} data-owner-type={item.owner_type}>
      <h4 id={titleId}>
        <span class="owner-type">{item.owner_type}</span>{' '}
        <span class="owner-handle">{ownerHandle(item.primary_contact_ref) || 'no owner found'}</span>
      </h4>
      <ConfidenceBar confidence={item.confidence} />
      <p>
        <span class={`status-pill st-${item.status}`}>{item.status}</span>{' '}
        <span class="muted small">updated {formatIso(item.updated_at ?? item.created_at)}</span>
      </p>
      <p class="explanation">{item.explanation}</p>
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
      <div class="actions" role="group" aria-label={`Answer the ${item.owner_type} inference`}>
        <button type="button" class="primary" disabled={busy} onClick={() => send('confirm')}>
          Confirm
        </button>
        <button type="button" disabled={busy} onClick={() => send('reject')}>
          Reject
        </button>
        <button type="button" disabled={busy} aria-expanded={correcting ? 'true' : 'false'} onClick={() => setCorrecting(!correcting)}>
          Correct…
        </button>
        <button type="button" disabled={busy} onClick={() => send('persist')}>
          Persist
        </button>
      </div>
      {correcting && (
        <form
          class="correct-form"
          aria-label={`Correct the ${item.owner_type} owner`}
          onSubmit={(e) => {
            e.preventDefault();
            void send('correct');
          }}
        >
          <OwnerPicker idPrefix={`correct-${item.owner_type}`} value={corrected} loadDirectory={loadDirectory} onChange={setCorrected} />
          <button type="submit" class="primary" disabled={busy}>
            Save correction
          </button>
        </form>
      )}
      <p role="status" class="status-line">
        {busy ? 'Sending…' : status}
      </p>
      <ErrorMessage error={error} />
    </article>
  );
}
