import { useEffect, useMemo, useRef } from 'preact/hooks';
import { messageToHtml } from '../markdown.js';
import { sanitizeHtml } from '../sanitize.js';

/** Markdown (a finding's message; an explanation without links): raw HTML escaped, the result sanitised once more. */
export function MessageView({ markdown, links = true }: { markdown: string; links?: boolean }) {
  const html = useMemo(() => sanitizeHtml(messageToHtml(markdown, { links })), [markdown, links]);
  const root = useRef<HTMLDivElement>(null);
  // A code block scrolls sideways: it takes focus, so that the keyboard can scroll it too.
  useEffect(() => {
    for (const pre of root.current?.querySelectorAll('pre') ?? []) pre.tabIndex = 0;
  }, [html]);
  return <div class="markdown" ref={root} dangerouslySetInnerHTML={{ __html: html }} />;
}
