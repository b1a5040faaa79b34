// Names in explanations are Markdown code spans. A name is imported text (a tag, a CODEOWNERS pattern, a Backstage
// entity): one holding a backtick would close a plain span early and let the rest of it be read as Markdown, a link
// among it. CommonMark's rule keeps any text whole: a fence one backtick longer than the longest run inside, and a
// space inside each fence where the text begins or ends with a backtick (the reader drops one such space).

/** `value` as one Markdown code span, whatever it holds (written as a template literal would write it). */
export function code(value: string | number | undefined): string {
  const text = String(value);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A reader drops one space at each end of a span that begins and ends with one: pad so that it drops the padding.
  const spaced = text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
  const pad = text.startsWith('`') || text.endsWith('`') || spaced ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
