// A listing exported whole: every item its filters select at its instant, in its order, read a page at a time through
// the listing's own service (each page one store query pinned to the first page's instant, which its cursor or
// position carries), so an export holds exactly what paging the JSON listing returns, while memory stays one page.
// src/server/export-reply.ts writes it as CSV or NDJSON; the listings say how (their items and CSV columns).

/** How many items each page of an export reads: one store query each. */
export const EXPORT_PAGE_SIZE = 1000;

/** A listing's items at one instant, a page at a time, in the listing's order. */
export interface ListingExport<T> {
  /** The instant every page reads. */
  at: number;
  batches: AsyncGenerator<T[], void, undefined>;
}

/**
 * The export of a listing from its first page (read already, so that whatever refuses the request does so before
 * anything is sent): `next` reads the page after one, undefined after the last; `items` turns a page into its items.
 */
export function exportByPages<P, T>(first: P, at: number, next: (page: P) => Promise<P> | undefined, items: (page: P) => T[]): ListingExport<T> {
  async function* batches(): AsyncGenerator<T[], void, undefined> {
    for (let page: P | undefined = first; page !== undefined; page = await next(page)) yield items(page);
  }
  return { at, batches: batches() };
}

export type CsvCell = string | number | boolean | null | undefined;

/** One CSV column: its header and its cell of an item (null or undefined: an empty cell). */
export type CsvColumn<T> = readonly [header: string, cell: (item: T) => CsvCell];

/** An instant (Unix ms) as an ISO 8601 cell; empty when there is none. */
export const isoCell = (ms: unknown): string => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : '');

/** A list of tags as one cell: comma-separated (Datadog tags hold no comma). */
export const tagsCell = (tags: unknown): string => (Array.isArray(tags) ? tags.join(',') : '');
