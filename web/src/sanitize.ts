import DOMPurify from 'dompurify';

// Second line of defence after markdown.ts escapes raw HTML: only inert markup reaches the page.
const FORBID = ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'];

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('rel', 'noopener noreferrer');
    node.setAttribute('target', '_blank');
  }
});

export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: FORBID, FORBID_ATTR: ['style'] });
}
