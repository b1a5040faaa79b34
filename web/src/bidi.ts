// Bidirectional embedding, override and isolate controls (U+202A to U+202E, U+2066 to U+2069) reorder the text that
// follows them on screen: a team named U+202E + "detcejer" reads "rejected", and so, reversed, does the rest of its
// line. Imported names may hold them, so the console shows each as U+FFFD: visible, one character wide (a caret
// under a query keeps its column), and without effect on the order of anything around it.
const CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export function showBidiControls(text: string): string {
  return text.replace(CONTROLS, '\ufffd');
}
