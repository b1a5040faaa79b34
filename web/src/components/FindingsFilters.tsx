import { useState } from 'preact/hooks';
import { EMPTY_FILTERS, parseTagInput, type FindingsFilters as Filters } from '../findings-query.js';
import { SEVERITIES } from '../types.js';

interface Props {
  value: Filters;
  onApply: (filters: Filters) => void;
}

/** The API's filters as a form; nothing is sent until the reviewer applies it (the findings API is rate limited). */
export function FindingsFilters({ value, onApply }: Props) {
  const [draft, setDraft] = useState<Filters>(value);
  const [tagText, setTagText] = useState(value.tags.join(', '));
  const set = <K extends keyof Filters>(key: K, v: Filters[K]) => setDraft({ ...draft, [key]: v });

  return (
    <form
      class="filters card"
      aria-label="Filter findings"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ ...draft, tags: parseTagInput(tagText) });
      }}
    >
      <div class="field">
        <label for="f-status">Severity</label>
        <select id="f-status" value={draft.status} onChange={(e) => set('status', e.currentTarget.value as Filters['status'])}>
          <option value="">Any</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-evaluation">Evaluation</label>
        <select id="f-evaluation" value={draft.evaluation} onChange={(e) => set('evaluation', e.currentTarget.value as Filters['evaluation'])}>
          <option value="">Any</option>
          <option value="fail">fail</option>
          <option value="pass">pass</option>
        </select>
      </div>
      <div class="field">
        <label for="f-muted">Muted</label>
        <select id="f-muted" value={draft.muted} onChange={(e) => set('muted', e.currentTarget.value as Filters['muted'])}>
          <option value="">Any</option>
          <option value="false">Not muted</option>
          <option value="true">Muted</option>
        </select>
      </div>
      <div class="field">
        <label for="f-resource-type">Resource type</label>
        <input
          id="f-resource-type"
          value={draft.resourceType}
          placeholder="aws_s3_bucket, -aws*"
          onInput={(e) => set('resourceType', e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="f-rule-id">Rule id</label>
        <input id="f-rule-id" value={draft.ruleId} onInput={(e) => set('ruleId', e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="f-rule-name">Rule name</label>
        <input id="f-rule-name" value={draft.ruleName} placeholder="*public*" onInput={(e) => set('ruleName', e.currentTarget.value)} />
      </div>
      <div class="field wide">
        <label for="f-tags">Tags (all must match)</label>
        <input
          id="f-tags"
          value={tagText}
          placeholder="team:payments, env:prod"
          aria-describedby="f-tags-hint"
          onInput={(e) => setTagText(e.currentTarget.value)}
        />
        <span id="f-tags-hint" class="hint">
          key:value, separated by commas or spaces
        </span>
      </div>
      <div class="field">
        <label for="f-changed">Evaluation changed since</label>
        <input id="f-changed" type="datetime-local" value={draft.changedSince} onInput={(e) => set('changedSince', e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY_FILTERS);
            setTagText('');
            onApply(EMPTY_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
