import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { localInputToMs } from '../findings-query.js';
import { formatMs } from '../format.js';
import { MUTE_DESCRIPTION_MAX, MUTING_REASONS, UNMUTING_REASONS, type FindingMute } from '../types.js';
import { ErrorMessage } from './ErrorMessage.js';

interface Props {
  api: Api;
  findingId: string;
  mute?: FindingMute;
  onDone: () => void;
}

/** Mute or unmute one finding (PATCH /api/v2/security/findings/mute); 422 and 404 answers are shown as they come. */
export function MuteForm({ api, findingId, mute, onDone }: Props) {
  const muted = Boolean(mute?.muted);
  // The reasons of this direction; a reason picked before the finding changed direction gives way to the first.
  const reasons: readonly string[] = muted ? UNMUTING_REASONS : MUTING_REASONS;
  const [picked, setReason] = useState<string>(reasons[0]!);
  const reason = reasons.includes(picked) ? picked : reasons[0]!;
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      const expireAt = localInputToMs(expiry);
      await api.muteFindings([findingId], {
        is_muted: !muted,
        reason,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(!muted && expireAt !== undefined ? { expire_at: expireAt } : {}),
      });
      setDone(muted ? 'Finding unmuted.' : 'Finding muted.');
      setDescription('');
      setExpiry('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <p data-testid="mute-state">
        {muted ? (
          <>
            <strong>Muted</strong> ({mute?.reason ?? 'no reason'}) since {formatMs(mute?.start_date)}
            {mute?.expiration_date ? `, until ${formatMs(mute.expiration_date)}` : ', until unmuted'}
            {mute?.description ? ` — “${mute.description}”` : ''}
          </>
        ) : (
          'Not muted.'
        )}
      </p>
      <form class="mute-form" onSubmit={submit} aria-label={muted ? 'Unmute finding' : 'Mute finding'}>
        <div class="field">
          <label for="mute-reason">Reason</label>
          <select id="mute-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {r.replace(/_/g, ' ').toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div class="field wide">
          <label for="mute-description">Description</label>
          <textarea
            id="mute-description"
            rows={2}
            maxLength={MUTE_DESCRIPTION_MAX}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        {!muted && (
          <div class="field">
            <label for="mute-expiry">Expires (optional)</label>
            <input id="mute-expiry" type="datetime-local" value={expiry} onInput={(e) => setExpiry(e.currentTarget.value)} />
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
      </form>
      <p role="status" class="status-line">
        {busy ? 'Saving…' : done}
      </p>
      <ErrorMessage
        error={error}
        context={
          error instanceof ApiError && error.status === 422
            ? 'The mute was refused'
            : error instanceof ApiError && error.status === 404
              ? 'This finding no longer exists'
              : 'Mute failed'
        }
      />
    </div>
  );
}
