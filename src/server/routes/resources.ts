import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { getResource } from '../../store/resources.js';
import { NotFound } from '../../errors.js';
import { serializeResource } from '../../posture/resource-serializer.js';
import { parseResourceItem } from '../../ingest/resource-items.js';
import { ingestResources } from '../../posture/inventory-service.js';
import { parseOrReject, pointerFromPlace } from '../record-errors.js';
import { idParameter } from '../input-checks.js';

const MAX_ITEMS = 1000;

/** Each item is judged by parseResourceItem (its errors point into the item); the schema takes the batch's shape. */
const UPSERT_BODY = Type.Object({
  data: Type.Array(Type.Object({}, { description: '{"type": "cloud_resource", "id": ARN or resource id, "attributes": {...}}' }), {
    minItems: 1,
    maxItems: MAX_ITEMS,
  }),
});
const RESOURCE_PARAMS = Type.Object({ resource_id: Type.String() });

export const resourceRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.post<{ Body: Static<typeof UPSERT_BODY> }>(
    '/api/v2/csm/resources',
    {
      config: { rateLimit: 'inventory' },
      schema: {
        summary: 'Upsert cloud resources (up to 1000); "deleted": true removes one',
        tags: ['Resources'],
        body: UPSERT_BODY,
      },
    },
    async (request, reply) => {
      const items = request.body.data;
      const now = Date.now();
      const records = items.map((item, i) =>
        parseOrReject(
          () => parseResourceItem(item, `data[${i}]`, now),
          (e) => pointerFromPlace(e.place, e.field),
        ),
      );
      const summary = await ingestResources(ctx.db, request.principal.orgId, records, ctx.rules, {
        source: 'api',
        actor: request.principal.userHandle,
      });
      const { changed_resource_ids: _ids, ...counts } = summary;
      return reply.code(200).send({ data: { type: 'resource_import', id: String(now), attributes: counts } });
    },
  );

  app.get<{ Params: Static<typeof RESOURCE_PARAMS> }>(
    '/api/v2/csm/resources/:resource_id',
    {
      config: { rateLimit: 'inventory' },
      schema: {
        summary: 'Get a cloud resource',
        tags: ['Resources'],
        params: RESOURCE_PARAMS,
      },
    },
    async (request) => {
      const resource = await getResource(ctx.db, request.principal.orgId, idParameter('resource_id', request.params.resource_id));
      if (!resource) throw new NotFound(`No resource ${request.params.resource_id}`);
      return { data: serializeResource(resource) };
    },
  );
};
