import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { directoryListing } from '../../ownership/use-cases/directory-listing.js';
import { ownerDetail, ownersListing } from '../../ownership/use-cases/owner-pages.js';
import { StringEnum } from '../../schema-types.js';
import { idParameter } from '../input-checks.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { responses } from '../openapi-responses.js';
import { jsonAsIs } from '../export-reply.js';
import { DIRECTORY_RESPONSE, OWNERS_RESPONSE, OWNER_RESPONSE } from '../openapi-directory-schemas.js';
import { NO_PARAMETERS } from '../validation.js';

const tags = ['CSM Ownership'];
const config = { rateLimit: 'ownership' };
// The response schemas document; the bodies are sent as the use cases build them.
const options = { config, serializerCompiler: jsonAsIs };
const OWNER_SLOTS = ['team', 'service'] as const;
const OWNERS_PATH = '/api/v2/csm/directory/owners';

const OWNERS_QUERY = Type.Object(
  { 'filter[owner_type]': Type.Optional(StringEnum(OWNER_SLOTS, { description: 'team (the default) or service' })) },
  { additionalProperties: false },
);
const OWNER_PARAMS = Type.Object({
  owner_type: StringEnum(OWNER_SLOTS, { description: 'team or service' }),
  handle: Type.String({ minLength: 1, description: 'The team or service handle, compared case-insensitively' }),
});

/** The organization's users and teams: the console's owner picker offers them when a reviewer corrects an owner. */
export const directoryRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.get(
    '/api/v2/csm/directory',
    {
      ...options,
      schema: {
        tags,
        summary: 'List the directory of users and teams',
        operationId: 'listDirectory',
        querystring: NO_PARAMETERS,
        response: responses({ 200: DIRECTORY_RESPONSE }),
      },
    },
    async (request) => directoryListing(ctx.db, request.principal.orgId),
  );

  // The console's team and service pages: every owner the organization knows, and what one of them owns now.
  app.get<{ Querystring: Static<typeof OWNERS_QUERY> }>(
    '/api/v2/csm/directory/owners',
    {
      ...options,
      schema: {
        tags,
        summary: 'List the teams or services the organization knows',
        operationId: 'listDirectoryOwners',
        response: responses({ 200: OWNERS_RESPONSE }),
        description:
          'Every team (from the directory, CODEOWNERS files, the service catalog, and current answers naming it) or every ' +
          'service (the catalog, and current answers), each with where it is known from and how many current answers of ' +
          'that owner type name it.',
        querystring: OWNERS_QUERY,
      },
    },
    async (request) => ownersListing(ctx.db, request.principal.orgId, request.query['filter[owner_type]'] ?? 'team'),
  );
  app.get<{ Params: Static<typeof OWNER_PARAMS> }>(
    '/api/v2/csm/directory/owners/:owner_type/:handle',
    {
      ...options,
      schema: {
        tags,
        summary: 'Get a team or service and the current ownership answers naming it',
        operationId: 'getDirectoryOwner',
        response: responses({ 200: OWNER_RESPONSE }, [404]),
        description:
          'The answers are the current inferences of that owner type whose owner is the handle (any status: suggested, ' +
          'persisted, overridden), with their confidence and resource; 404 when nothing knows the handle.',
        params: OWNER_PARAMS,
        querystring: NO_PARAMETERS,
      },
    },
    async (request) => ownerDetail(ctx.db, request.principal.orgId, request.params.owner_type, idParameter('handle', request.params.handle)),
  );
  // A handle longer than the router's parameter limit reaches this hidden twin, never the route above: it is judged as
  // that route judges it (a 400 naming owner_type or handle), and any other path under it is a 404.
  app.get(
    `${OWNERS_PATH}/*`,
    { config, schema: { hide: true, params: Type.Object({ '*': Type.String() }), querystring: NO_PARAMETERS } as object },
    async (request) => {
      const path = request.url.split('?')[0]!;
      const segments = path.slice(OWNERS_PATH.length + 1).split('/');
      if (segments.length !== 2) throw new NotFound(`No route GET ${path}`);
      const [type, handle] = segments.map((s) => decodeURIComponent(s)) as [string, string];
      if (!(OWNER_SLOTS as readonly string[]).includes(type)) {
        throw new InvalidInput(`Invalid parameter owner_type: ${JSON.stringify(type)} is not one of ${OWNER_SLOTS.join(', ')}`, {
          parameter: 'owner_type',
        });
      }
      return ownerDetail(ctx.db, request.principal.orgId, type as (typeof OWNER_SLOTS)[number], idParameter('handle', handle));
    },
  );
};
