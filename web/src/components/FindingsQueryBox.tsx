import { useState } from 'preact/hooks';
import type { QueryProblem } from '../security-findings.js';

const EXAMPLE = '@severity:(critical OR high) @status:open team:platform';

interface Props {
  /** The query the listing uses ('' for none). */
  value: string;
  /** The server's objection to `value`, if it refused it. */
  problem?: QueryProblem;
  onSearch: (query: string) => void;
}

/** A search in Datadog's log search syntax; nothing is sent until submitted (the findings API is rate limited). */
export function FindingsQueryBox({ value, problem, onSearch }: Props) {
  const [draft, setDraft] = useState(value);
  return (
    <form
      class="query-box card"
      role="search"
      aria-label="Search findings"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft.trim());
      }}
    >
      <div class="field wide">
        <label for="f-query">Search query</label>
        <input
          id="f-query"
          class="mono"
          value={draft}
          placeholder={EXAMPLE}
          spellcheck={false}
          autoComplete="off"
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'f-query-hint f-query-error' : 'f-query-hint'}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <span id="f-query-hint" class="hint">
          @attribute:value, key:value for tags, AND, OR, NOT, ( ). A query replaces the filters and the point in time.
        </span>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Search
        </button>
        <button
          type="button"
          disabled={!value && !draft}
          onClick={() => {
            setDraft('');
            onSearch('');
          }}
        >
          Clear query
        </button>
      </div>
      {problem && <QueryProblemMessage id="f-query-error" query={value} problem={problem} />}
    </form>
  );
}

function QueryProblemMessage({ id, query, problem }: { id: string; query: string; problem: QueryProblem }) {
  return (
    <div id={id} class="error query-problem" role="alert">
      <p>The query could not be read: {problem.message}</p>
      {problem.column !== undefined && <QueryPosition query={query} column={problem.column} />}
    </div>
  );
}

/** The query with the character at `column` (1-based) marked and a caret under it; past the end, a marked blank. */
function QueryPosition({ query, column }: { query: string; column: number }) {
  const at = Math.min(Math.max(column - 1, 0), query.length);
  return (
    <pre class="query-position" data-column={column}>
      {query.slice(0, at)}
      <mark>{query.slice(at, at + 1) || ' '}</mark>
      {query.slice(at + 1)}
      {/* The caret repeats what the mark shows; screen readers get the column from the message. */}
      <span aria-hidden="true">{`\n${' '.repeat(at)}^`}</span>
    </pre>
  );
}
