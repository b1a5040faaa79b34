/**
 * Paging through opaque cursors: the API only gives "next", so "previous" replays the
 * cursor of the page before, kept on a stack. `undefined` is the first page's cursor.
 */
export interface CursorStack {
  /** Cursors of the pages before the current one, oldest first. */
  previous: Array<string | undefined>;
  current: string | undefined;
}

export const FIRST_PAGE: CursorStack = { previous: [], current: undefined };

export function forward(stack: CursorStack, next: string): CursorStack {
  return { previous: [...stack.previous, stack.current], current: next };
}

export function back(stack: CursorStack): CursorStack {
  if (stack.previous.length === 0) return stack;
  return { previous: stack.previous.slice(0, -1), current: stack.previous[stack.previous.length - 1] };
}

/** 1-based number of the current page. */
export function pageNumber(stack: CursorStack): number {
  return stack.previous.length + 1;
}
