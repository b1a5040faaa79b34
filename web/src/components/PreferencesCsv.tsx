import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api.js';
import { csvProblems, type CsvProblem } from '../csv-errors.js';
import { ErrorMessage } from './ErrorMessage.js';

/** The ownership preferences CSV: load, paste or upload, then the server validates; row and column errors come back as a table. */
export function PreferencesCsv({ api }: { api: Api }) {
  const [text, setText] = useState('');
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [problems, setProblems] = useState<CsvProblem[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    api.getPreferencesCsv().then(
      (csv) => {
        setText(csv);
        setLoading(false);
      },
      (err) => {
        // No preferences yet is not an error worth an alert.
        if (!(err instanceof ApiError && err.status === 404)) setError(err);
        setLoading(false);
      },
    );
  }, [api]);

  const upload = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setText(await file.text());
    setStatus(`Loaded ${file.name}; review it and save.`);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setProblems([]);
    setStatus('');
    try {
      await api.putPreferencesCsv(text);
      setStatus('Preferences saved.');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const found = csvProblems(err.errors);
        setProblems(found);
        setStatus(`The CSV was refused: ${found.length} problem${found.length === 1 ? '' : 's'} listed below.`);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="prefs-title">
      <h2 id="prefs-title">Ownership preferences</h2>
      <p class="muted">One rule per row; the server checks every row and column before saving.</p>
      <form onSubmit={save}>
        <div class="field">
          <label for="prefs-file">Upload a CSV file</label>
          <input id="prefs-file" type="file" accept=".csv,text/csv" onChange={upload} />
        </div>
        <div class="field wide">
          <label for="prefs-text">Preferences CSV</label>
          <textarea id="prefs-text" class="mono" rows={10} value={text} disabled={loading} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary" disabled={busy || loading}>
          Validate and save
        </button>
      </form>
      <p role="status" class="status-line">
        {loading ? 'Loading preferences…' : busy ? 'Validating…' : status}
      </p>
      <ErrorMessage error={error} context="Preferences could not be saved" />
      {problems.length > 0 && (
        <table class="problems" aria-label="Problems in the CSV">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i}>
                <td>{p.row ?? '—'}</td>
                <td class="mono">{p.column ?? '—'}</td>
                <td>{p.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
