// Listing exports: a listing asked for with `Accept: text/csv` or `Accept: application/x-ndjson` answers every item its
// filters select at its instant, in its order, as one streamed download instead of a page. The domain hands over the
// items as an async sequence of batches (each one store query pinned to the instant); this writes them as the client
// reads them (Readable.from pulls the next batch only when the socket drains), so memory stays one batch whatever the
// size. Everything that can refuse the request (its filters, the instant, the first batch) runs before the first
// byte: a bad request is the usual JSON:API error, never a half-written 200.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CsvColumn, ListingExport } from '../listing-export.js';

export type ExportFormat = 'csv' | 'ndjson';

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = { csv: 'text/csv', ndjson: 'application/x-ndjson' };

/** Media types that ask for the listing's JSON page. Any other type (text/html, ...) is ignored: unknown means JSON. */
const JSON_TYPES = new Set(['application/json', 'application/vnd.api+json', 'application/*', '*/*']);

/**
 * The export an Accept header asks for: text/csv or application/x-ndjson when it ranks above every JSON type (by
 * q-value, then order); undefined (the JSON page) otherwise, including for an absent header or only unknown types.
 */
export function exportFormatOf(accept: string | string[] | undefined): ExportFormat | undefined {
  let best: { format: ExportFormat | undefined; q: number } | undefined;
  for (const part of [accept ?? ''].flat().join(',').split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0)) continue;
    const format = type === 'text/csv' ? 'csv' : type === 'application/x-ndjson' ? 'ndjson' : undefined;
    if (format === undefined && !JSON_TYPES.has(type)) continue;
    if (!best || q > best.q) best = { format, q };
  }
  return best?.format;
}

export function requestedExport(request: FastifyRequest): ExportFormat | undefined {
  return exportFormatOf(request.headers.accept);
}

function csvBatch<T>(columns: ReadonlyArray<CsvColumn<T>>, items: T[]): string {
  return stringify(
    items.map((item) => columns.map(([, cell]) => cell(item) ?? '')),
    // A cell starting with = + - @ (or a tab, a carriage return) gets a leading apostrophe: a spreadsheet opening the
    // file shows it as text instead of running it as a formula.
    { escape_formulas: true, cast: { boolean: (b) => String(b) } },
  );
}

/**
 * Streams the export as the reply: a CSV header row then a row per item, or an NDJSON line per item (the item as the
 * page's `data` holds it). The download is named `<name>-<instant>.<csv|ndjson>`; X-Snapshot-Timestamp is the instant.
 */
export async function sendExport<T>(
  reply: FastifyReply,
  format: ExportFormat,
  name: string,
  exported: ListingExport<T>,
  columns: ReadonlyArray<CsvColumn<T>>,
): Promise<FastifyReply> {
  const { batches, at } = exported;
  // The first batch is read before the headers go: a store that fails answers a JSON error, not a broken download.
  const first = await batches.next();
  const encode = (items: T[]) => (format === 'csv' ? csvBatch(columns, items) : items.map((item) => `${JSON.stringify(item)}\n`).join(''));
  async function* body(): AsyncGenerator<string> {
    try {
      if (format === 'csv') yield stringify([columns.map(([header]) => header)]);
      for (let batch = first; !batch.done; batch = await batches.next()) if (batch.value.length > 0) yield encode(batch.value);
    } finally {
      // A client that goes away ends the reading: no further batch is queried.
      await batches.return(undefined);
    }
  }
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  return reply
    .code(200)
    .header('Content-Type', `${EXPORT_MEDIA_TYPES[format]}; charset=utf-8`)
    .header('Content-Disposition', `attachment; filename="${name}-${stamp}.${format}"`)
    .header('X-Snapshot-Timestamp', String(at))
    .send(Readable.from(body(), { objectMode: false }));
}

/** The JSON page of a listing whose JSON shape the route does not declare (documented by the listing's summary). */
const LISTING_JSON = Type.Object({}, { additionalProperties: true, description: 'The JSON:API page: data, meta (and links)' });

/**
 * The 200 of a listing that exports, for the OpenAPI document: the JSON page (its schema when the route declares one,
 * else an open object and `jsonAsIs` keeps its serialization unchanged), or the whole listing as CSV or NDJSON.
 */
export function exportingListResponse<T>(csvColumns: ReadonlyArray<CsvColumn<T>>, json: TSchema = LISTING_JSON) {
  const whole = 'Every item the filters select at the instant (page[limit] and page[cursor] are not read), in the listing order;';
  const headers = csvColumns.map(([header]) => header).join(', ');
  return {
    200: {
      description: 'A JSON page, or the whole listing as a CSV or NDJSON download (Accept: text/csv or application/x-ndjson)',
      content: {
        'application/json': { schema: json },
        'text/csv': { schema: Type.String({ description: `${whole} a header row, then one row per item. Columns: ${headers}` }) },
        'application/x-ndjson': { schema: Type.String({ description: `${whole} one JSON object per line, as the page's data items` }) },
      },
    },
  };
}

/** A serializer that writes JSON as Fastify does without a response schema: for routes whose JSON schema only documents. */
export const jsonAsIs = () => (data: unknown) => JSON.stringify(data);
