import { Marked } from 'marked';
import { showBidiControls } from './bidi.js';

/** Datadog rule messages are wrapped in `%%%` markers (its Markdown switch); they are not content. */
export function stripPercentMarkers(message: string): string {
  return message.replace(/^\s*%%%[ \t]*\r?\n?/, '').replace(/\r?\n?(?<![ \t])[ \t]*%%%\s*$/, '');
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
function markdownWith(keepLink: (href: string) => boolean) {
  return new Marked({
    gfm: true,
    async: false,
    renderer: {
      html({ text }) {
        return escapeHtml(text);
      },
      // Returning false keeps marked's own rendering; a link not kept (javascript:, data:) keeps only its text.
      link({ href, text }) {
        return keepLink(href) ? false : escapeHtml(text);
      },
      image({ href, text }) {
        return keepLink(href) ? false : escapeHtml(text);
      },
    },
  });
}

const withLinks = markdownWith(isSafeUrl);
// An ownership explanation is Steward's sentence around imported names (tags, handles, resource names) and never
// links anywhere: a link in one was written by whoever chose a name, so links there keep only their text.
const withoutLinks = markdownWith(() => false);

/** Markdown of a finding's message (or, without links, an explanation) to HTML, with any raw HTML it holds escaped. */
export function messageToHtml(message: string, { links = true }: { links?: boolean } = {}): string {
  return (links ? withLinks : withoutLinks).parse(showBidiControls(stripPercentMarkers(message)), { async: false }) as string;
}
