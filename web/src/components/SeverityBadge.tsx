export function SeverityBadge({ severity }: { severity?: string }) {
  if (!severity) return <span>—</span>;
  return <span class={`badge sev-${severity}`}>{severity}</span>;
}
