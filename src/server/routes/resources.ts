import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { getResource } from '../../store/resources.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { serializeResource } from '../../posture/resource-serializer.js';
import { parseResourceItem } from '../../ingest/resource-items.js';
import { ingestResources } from '../../posture/inventory-service.js';
import { parseOrReject, pointerFromPlace } from '../record-errors.js';
import { idParameter } from '../input-checks.js';

const MAX_ITEMS = 1000;

export const resourceRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.post<{ Body: { data: unknown[] } }>(
    '/api/v2/csm/resources',
    {
      config: { rateLimit: 'inventory' },
      schema: {
        summary: 'Upsert cloud resources (up to 1000); "deleted": true removes one',
        tags: ['Resources'],
        body: {
          type: 'object',
          required: ['data'],
          properties: { data: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
    async (request, reply) => {
      const items = request.body.data;
      if (items.length === 0 || items.length > MAX_ITEMS) throw new InvalidInput(`data must hold 1 to ${MAX_ITEMS} items, not ${items.length}`, { pointer: '/data' });
      const now = Date.now();
      const records = items.map((item, i) => parseOrReject(() => parseResourceItem(item, `data[${i}]`, now), (e) => pointerFromPlace(e.place, e.field)));
      const summary = await ingestResources(ctx.db, request.principal.orgId, records, ctx.rules, { source: 'api', actor: request.principal.userHandle });
      const { changed_resource_ids: _ids, ...counts } = summary;
      return reply.code(200).send({ data: { type: 'resource_import', id: String(now), attributes: counts } });
    },
  );

  app.get<{ Params: { resource_id: string } }>(
    '/api/v2/csm/resources/:resource_id',
    {
      config: { rateLimit: 'inventory' },
      schema: {
        summary: 'Get a cloud resource',
        tags: ['Resources'],
        params: { type: 'object', properties: { resource_id: { type: 'string' } }, required: ['resource_id'] },
      },
    },
    async (request) => {
      const resource = await getResource(ctx.db, request.principal.orgId, idParameter('resource_id', request.params.resource_id));
      if (!resource) throw new NotFound(`No resource ${request.params.resource_id}`);
      return { data: serializeResource(resource) };
    },
  );
};
