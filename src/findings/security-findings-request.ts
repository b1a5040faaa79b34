// The Security Findings API's two requests, `GET /api/v2/security/findings` (query string) and
// `POST /api/v2/security/findings/search` (the same in a JSON body), as one validated request. The TypeBox schemas
// judge names, types, ranges and the sort's values (and give the OpenAPI document); this reads the rest.
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-types.js';
import type { FilterNode } from './filter-tree.js';
import { parseSearchQuery } from './search-syntax.js';

const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 1000;
export const SECURITY_FINDINGS_SORTS = ['@detection_changed_at', '-@detection_changed_at'] as const;

export interface SecurityFindingsRequest {
  filter: FilterNode;
  /** The query as sent (an absent one is ''), for links.next. */
  query: string;
  limit: number;
  sort: (typeof SECURITY_FINDINGS_SORTS)[number];
  /** The cursor and the query parameter, or the search body's field, that carried it (errors about it name that). */
  cursor?: { value: string; parameter: string } | { value: string; pointer: string };
  /** Steward's addition (GET only): the instant to answer for, as the legacy listing's snapshot_timestamp. */
  snapshotTimestamp?: number;
}

const LIMIT = Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: `Page size (default ${DEFAULT_PAGE_LIMIT})` });
const CURSOR = Type.String({ minLength: 1, description: 'The cursor of the previous page (meta.page.after)' });
const SORT = StringEnum(SECURITY_FINDINGS_SORTS, {
  description: 'By detection change time (evaluation_changed_at), ascending, or descending with a leading - (the default); ties by finding id',
});
const QUERY = Type.String({
  description:
    'Search query in the log search syntax: @attribute:value for the finding attributes (@severity, @status, @rule.id, ...), key:value for tags',
});

export const SECURITY_FINDINGS_QUERY = Type.Object(
  {
    'filter[query]': Type.Optional(QUERY),
    'page[cursor]': Type.Optional(CURSOR),
    'page[limit]': Type.Optional(LIMIT),
    sort: Type.Optional(SORT),
    snapshot_timestamp: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description:
          "Steward's addition: Unix ms, the findings (and their owners) as things stood then; a later instant answers for now. A cursor keeps its own instant",
      }),
    ),
  },
  { additionalProperties: false },
);

export const SECURITY_FINDINGS_SEARCH_BODY = Type.Object(
  {
    data: Type.Optional(
      Type.Object(
        {
          attributes: Type.Optional(
            Type.Object(
              {
                filter: Type.Optional(QUERY),
                page: Type.Optional(Type.Object({ cursor: Type.Optional(CURSOR), limit: Type.Optional(LIMIT) }, { additionalProperties: false })),
                sort: Type.Optional(SORT),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export function securityFindingsFromQuery(query: Static<typeof SECURITY_FINDINGS_QUERY>): SecurityFindingsRequest {
  const cursor = query['page[cursor]'];
  return {
    filter: parseSearchQuery(query['filter[query]'] ?? '', { parameter: 'filter[query]' }),
    query: query['filter[query]'] ?? '',
    limit: query['page[limit]'] ?? DEFAULT_PAGE_LIMIT,
    sort: query.sort ?? '-@detection_changed_at',
    ...(cursor !== undefined ? { cursor: { value: cursor, parameter: 'page[cursor]' } } : {}),
    ...(query.snapshot_timestamp !== undefined ? { snapshotTimestamp: query.snapshot_timestamp } : {}),
  };
}

export function securityFindingsFromBody(body: Static<typeof SECURITY_FINDINGS_SEARCH_BODY> | undefined): SecurityFindingsRequest {
  const attributes = body?.data?.attributes ?? {};
  const cursor = attributes.page?.cursor;
  return {
    filter: parseSearchQuery(attributes.filter ?? '', { pointer: '/data/attributes/filter' }),
    query: attributes.filter ?? '',
    limit: attributes.page?.limit ?? DEFAULT_PAGE_LIMIT,
    sort: attributes.sort ?? '-@detection_changed_at',
    ...(cursor !== undefined ? { cursor: { value: cursor, pointer: '/data/attributes/page/cursor' } } : {}),
  };
}
