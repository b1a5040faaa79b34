export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <p class="muted">No tags.</p>;
  return (
    <ul class="tag-list" aria-label="Tags">
      {tags.map((t) => (
        <li key={t} class="tag mono">
          {t}
        </li>
      ))}
    </ul>
  );
}
