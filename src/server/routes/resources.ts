import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { getResource } from '../../store/resources.js';
import { NotFound } from '../../errors.js';
import { serializeResource } from '../../posture/resource-serializer.js';

export const resourceRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
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
      const resource = await getResource(ctx.db, request.principal.orgId, request.params.resource_id);
      if (!resource) throw new NotFound(`No resource ${request.params.resource_id}`);
      return { data: serializeResource(resource) };
    },
  );
};
