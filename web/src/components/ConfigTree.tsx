import { useState } from 'preact/hooks';

type Json = unknown;

function isBranch(value: Json): value is Record<string, Json> | Json[] {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

function leafText(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** One key of the configuration; a branch is a disclosure button (Enter/Space toggles), so the tree works by keyboard. */
function Node({ name, value, depth }: { name: string; value: Json; depth: number }) {
  const [open, setOpen] = useState(depth < 1);
  if (!isBranch(value)) {
    return (
      <li>
        <span class="tree-key">{name}</span>: <span class="tree-value">{leafText(value)}</span>
      </li>
    );
  }
  const entries = Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li>
      <button type="button" class="tree-toggle" aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> <span class="tree-key">{name}</span> <span class="muted">{summary}</span>
      </button>
      {open && (
        <ul>
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ConfigTree({ value, label }: { value: Json; label: string }) {
  return (
    <ul class="config-tree mono" aria-label={`Resource ${label}`}>
      <Node name={label} value={value} depth={0} />
    </ul>
  );
}
