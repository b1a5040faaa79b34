import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { directoryListing } from '../../ownership/use-cases/directory-listing.js';

/** The organization's users and teams: the console's owner picker offers them when a reviewer corrects an owner. */
export const directoryRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.get(
    '/api/v2/csm/directory',
    { config: { rateLimit: 'ownership' }, schema: { tags: ['CSM Ownership'], summary: 'List the directory of users and teams' } },
    async (request) => directoryListing(ctx.db, request.principal.orgId),
  );
};
