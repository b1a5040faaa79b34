import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { cursorSecret } from '../../store/server-secrets.js';
import { OWNER_TYPES } from '../../ownership/owner-type.js';
import {
  DEFAULT_REVIEW_OWNER_TYPE,
  DEFAULT_REVIEW_QUEUE_LIMIT,
  MAX_REVIEW_QUEUE_LIMIT,
  reviewQueueBody,
  reviewQueuePage,
} from '../../ownership/use-cases/review-queue.js';
import { StringEnum } from '../../schema-types.js';
import { nextPageLink } from '../position-cursor.js';
import { decodeReviewQueueCursor, encodeReviewQueueCursor } from '../review-queue-cursor.js';
import { responses } from '../openapi-responses.js';

// A static path under the ownership routes: it wins over their `/:resource_id`, and their dispatcher reserves the
// segment, so no resource id reads as it.
export const REVIEW_QUEUE_PATH = '/api/v2/csm/ownership/review_queue';

const QUERY = Type.Object(
  {
    'filter[owner_type]': Type.Optional(
      StringEnum(OWNER_TYPES, { description: `The owner type whose inferences are listed (default ${DEFAULT_REVIEW_OWNER_TYPE})` }),
    ),
    'page[limit]': Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_REVIEW_QUEUE_LIMIT, description: `Items per page (default ${DEFAULT_REVIEW_QUEUE_LIMIT})` }),
    ),
    'page[cursor]': Type.Optional(Type.String({ minLength: 1, description: 'The cursor of the previous page (meta.page.cursor)' })),
  },
  { additionalProperties: false },
);
type Query = Static<typeof QUERY>;

const RESPONSE = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('ownership_review_item'),
      id: Type.String({ description: '`resource_id:owner_type`, as the inference it reviews' }),
      attributes: Type.Object({
        resource: Type.Object({
          id: Type.String({ description: 'The resource id' }),
          type: Type.Optional(Type.String({ description: 'The resource type, when the inventory knows the resource' })),
        }),
        owner_type: StringEnum(OWNER_TYPES, { description: 'The owner type asked for' }),
        inference: Type.Object(
          {
            owner_type: Type.String({ description: 'The answer: the owner type, or `unknown`' }),
            owner_handle: Type.Union([Type.String(), Type.Null()], { description: 'The owner named; null for an unknown answer' }),
            confidence: Type.String({ description: 'As the inference shows it: four decimals' }),
            status: Type.String({ description: '`suggested` or `unknown`' }),
            checksum: Type.String({ description: "Send as feedback's inference_checksum" }),
          },
          { description: 'The current inference, as GET /api/v2/csm/ownership/{resource_id}/{owner_type} shows it' },
        ),
        score: Type.Number({ description: 'uncertainty × reach × impact: the expected gain in accuracy of reviewing it' }),
        score_parts: Type.Object({
          uncertainty: Type.Number({ description: '1 − confidence; 1 for an unknown answer' }),
          reach: Type.Number({ description: 'group_size / (1 + reviewed_in_group)^2' }),
          impact: Type.Number({ description: '1 + open_critical_high' }),
          group_size: Type.Integer({
            description:
              'Current inferences of this owner type resting on the same deciding evidence, or 1 when a review of this one moves none of the others (a user answer resting on other than an owner tag)',
          }),
          reviewed_in_group: Type.Integer({ description: 'Resources of that group already reviewed' }),
          open_critical_high: Type.Integer({ description: 'Failing, unmuted, critical and high findings on the resource now' }),
        }),
        deciding_evidence: Type.Union(
          [
            Type.Object({
              type: Type.String({ description: 'The signal kind of the strongest source' }),
              evidence_id: Type.Union([Type.String(), Type.Null()]),
              name: Type.Union([Type.String(), Type.Null()], { description: 'What it names: a service, a tag, a principal' }),
              piece: Type.Union([Type.String(), Type.Null()], {
                description: 'The piece of evidence it rests on (`kind|what`): the answers resting on the same piece form its group',
              }),
            }),
            Type.Null(),
          ],
          { description: "The inference's strongest source (sources[0]); null when it has none" },
        ),
        reason: Type.String({ description: 'Why it is in the queue, in one sentence' }),
      }),
    }),
    { description: 'Best first: score descending, then resource id' },
  ),
  links: Type.Optional(Type.Object({ next: Type.String({ description: "The next page: this listing's absolute URL with page[cursor]" }) })),
  meta: Type.Object({
    page: Type.Object({
      limit: Type.Integer(),
      total_filtered_count: Type.Integer({ description: 'How many items the queue holds now' }),
      cursor: Type.Optional(Type.String({ description: 'Send as page[cursor] for the next page; absent on the last page' })),
    }),
  }),
});

export const reviewQueueRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.get<{ Querystring: Query }>(
    REVIEW_QUEUE_PATH,
    {
      config: { rateLimit: 'ownership' },
      schema: {
        tags: ['CSM Ownership'],
        summary: 'List the inferences to review, the most valuable review first',
        operationId: 'listOwnershipReviewQueue',
        description:
          'The inferences of one owner type that no reviewer has acted on (status suggested or unknown, no feedback on the ' +
          'resource and owner type), by the expected gain in accuracy of reviewing each: uncertainty (1 − confidence) × reach ' +
          '(inferences resting on the same deciding evidence, divided by 1 + those of them already reviewed; 1 for a user answer ' +
          'resting on other than an owner tag, whose review moves no other answer) × impact (1 + open ' +
          'critical and high findings). The queue is live: feedback takes an item out at once and lowers the score of its group, ' +
          'so an item whose score changed between two pages may be missed or shown twice.',
        querystring: QUERY,
        response: responses({ 200: RESPONSE }),
      },
    },
    async (request) => {
      const { orgId } = request.principal;
      const slot = request.query['filter[owner_type]'] ?? DEFAULT_REVIEW_OWNER_TYPE;
      const limit = request.query['page[limit]'] ?? DEFAULT_REVIEW_QUEUE_LIMIT;
      const secret = await cursorSecret(ctx.db);
      const after = decodeReviewQueueCursor(secret, orgId, slot, request.query['page[cursor]']);
      const page = await reviewQueuePage(ctx.db, orgId, { slot, limit, after });
      const cursor = page.next && encodeReviewQueueCursor(secret, orgId, slot, page.next);
      return reviewQueueBody(page, limit, cursor === undefined ? undefined : { cursor, link: nextPageLink(request, cursor) });
    },
  );
};
