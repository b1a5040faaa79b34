import { useEffect, useMemo, useRef } from 'preact/hooks';
import { messageToHtml } from '../markdown.js';
import { sanitizeHtml } from '../sanitize.js';

/** A finding's Markdown message; raw HTML is escaped, then the result is sanitised before it reaches the page. */
export function MessageView({ markdown }: { markdown: string }) {
  const html = useMemo(() => sanitizeHtml(messageToHtml(markdown)), [markdown]);
  const root = useRef<HTMLDivElement>(null);
  // A code block scrolls sideways: it takes focus, so that the keyboard can scroll it too.
  useEffect(() => {
    for (const pre of root.current?.querySelectorAll('pre') ?? []) pre.tabIndex = 0;
  }, [html]);
  return <div class="markdown" ref={root} dangerouslySetInnerHTML={{ __html: html }} />;
}
