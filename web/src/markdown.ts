import { Marked } from 'marked';

/** Datadog rule messages are wrapped in `%%%` markers (its Markdown switch); they are not content. */
export function stripPercentMarkers(message: string): string {
  return message.replace(/^\s*%%%[ \t]*\r?\n?/, '').replace(/\r?\n?[ \t]*%%%\s*$/, '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** http(s), mailto and relative links only. */
export function isSafeUrl(href: string): boolean {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(href);
  return !scheme || ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase());
}

// Raw HTML in a message is shown as text, never parsed; the browser then sanitises the output once more.
const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    // Returning false keeps marked's own rendering; other schemes (javascript:, data:) keep only the text.
    link({ href, text }) {
      return isSafeUrl(href) ? false : escapeHtml(text);
    },
    image({ href, text }) {
      return isSafeUrl(href) ? false : escapeHtml(text);
    },
  },
});

/** Markdown of a finding's message to HTML, with any raw HTML it holds escaped. */
export function messageToHtml(message: string): string {
  return marked.parse(stripPercentMarkers(message), { async: false }) as string;
}
