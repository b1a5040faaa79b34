import { useMemo } from 'preact/hooks';
import { messageToHtml } from '../markdown.js';
import { sanitizeHtml } from '../sanitize.js';

/** A finding's Markdown message; raw HTML is escaped, then the result is sanitised before it reaches the page. */
export function MessageView({ markdown }: { markdown: string }) {
  const html = useMemo(() => sanitizeHtml(messageToHtml(markdown)), [markdown]);
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
