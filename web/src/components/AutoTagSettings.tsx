import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import type { OwnershipSettings } from '../types.js';
import { useAsync } from '../use-async.js';
import { ErrorMessage } from './ErrorMessage.js';

/** Auto-tagging of findings with inferred owners, and the lowest confidence band it acts on. */
export function AutoTagSettings({ api }: { api: Api }) {
  const current = useAsync(() => api.getSettings(), [api]);
  const [draft, setDraft] = useState<OwnershipSettings>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (current.data) setDraft(current.data);
  }, [current.data]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.saveSettings({ auto_tag: draft.auto_tag, confidence_level: draft.confidence_level });
      setDraft(saved);
      setStatus(`Saved (version ${saved.version ?? '?'}).`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="autotag-title">
      <h2 id="autotag-title">Automatic owner tags</h2>
      <ErrorMessage error={current.error} context="Settings could not be loaded" />
      {draft && (
        <form onSubmit={save}>
          <div class="check">
            <input
              id="auto-tag"
              type="checkbox"
              checked={draft.auto_tag}
              onChange={(e) => setDraft({ ...draft, auto_tag: e.currentTarget.checked })}
            />
            <label for="auto-tag">Tag findings with their inferred team automatically</label>
          </div>
          <div class="field">
            <label for="confidence-level">Lowest confidence band to tag</label>
            <select
              id="confidence-level"
              value={draft.confidence_level}
              aria-describedby="confidence-hint"
              onChange={(e) => setDraft({ ...draft, confidence_level: e.currentTarget.value as OwnershipSettings['confidence_level'] })}
            >
              <option value="high">high (above 0.85)</option>
              <option value="medium">medium (0.60 to 0.85)</option>
              <option value="low">low (below 0.60)</option>
            </select>
            <span id="confidence-hint" class="hint">
              Inferences at or above this band are written as tags.
            </span>
          </div>
          <button type="submit" class="primary" disabled={busy}>
            Save settings
          </button>
          <span class="muted small"> version {draft.version ?? '—'}</span>
        </form>
      )}
      <p role="status" class="status-line">
        {current.loading ? 'Loading settings…' : busy ? 'Saving…' : status}
      </p>
      <ErrorMessage error={error} context="Settings were not saved" />
    </section>
  );
}
