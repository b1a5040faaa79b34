import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { inventoryListBody, serializeResourceWithVersions } from '../../posture/resource-serializer.js';
import {
  DEFAULT_INVENTORY_LIMIT,
  INVENTORY_FILTER_FORMATS,
  MAX_INVENTORY_LIMIT,
  inventoryFilterProblem,
  inventoryFilterHash,
  listInventory,
  resourceWithVersions,
  type InventoryFilter,
  type InventoryFilterField,
} from '../../posture/resource-inventory.js';
import { parseResourceItem } from '../../ingest/resource-items.js';
import { ingestResources } from '../../posture/inventory-service.js';
import { SNAPSHOT_QUERY } from '../../findings/list-query.js';
import { cursorSecret } from '../../store/server-secrets.js';
import { parseOrReject, pointerFromPlace } from '../record-errors.js';
import { idParameter } from '../input-checks.js';
import { decodePositionCursor, encodePositionCursor, nextPageLink } from '../position-cursor.js';
import { INVENTORY_CSV_COLUMNS, exportInventory } from '../../posture/inventory-export.js';
import { exportingListResponse, jsonAsIs, requestedExport, sendExport } from '../export-reply.js';
import { BODY_ERRORS, responses } from '../openapi-responses.js';
import { unixMs } from '../openapi-json-api.js';

const MAX_ITEMS = 1000;
const tags = ['Resources'];
const config = { rateLimit: 'inventory' };

const NULLABLE_TEXT = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Null()], { description }));

/** One `cloud_resource` item as parseResourceItem (src/ingest/resource-items.ts) accepts it. */
const CLOUD_RESOURCE_ITEM = Type.Object(
  {
    type: Type.Optional(Type.Literal('cloud_resource')),
    id: Type.String({ description: 'The resource id: an ARN on AWS, the full resource path on GCP and Azure' }),
    attributes: Type.Object(
      {
        resource_type: Type.String({ pattern: '^[a-z][a-z0-9_]*$', description: 'snake_case, e.g. aws_s3_bucket' }),
        cloud_provider: Type.Union([Type.Literal('aws'), Type.Literal('gcp'), Type.Literal('azure')]),
        name: NULLABLE_TEXT('Defaults to the last segment of the id'),
        account: NULLABLE_TEXT('Account, project or subscription'),
        region: NULLABLE_TEXT('Region; empty for global resources'),
        tags: Type.Optional(Type.Union([Type.Array(Type.String({ description: 'key:value' })), Type.Null()])),
        configuration: Type.Optional(
          Type.Union([Type.Object({}, { additionalProperties: true, description: 'The configuration as the provider reports it' }), Type.Null()]),
        ),
        observed_at: Type.Optional(
          Type.Union([Type.Integer({ description: 'Unix milliseconds' }), Type.String({ description: 'RFC 3339' }), Type.Null()], {
            description: 'When the configuration was observed; defaults to now (also when null)',
          }),
        ),
        deleted: Type.Optional(Type.Boolean({ description: 'true removes the resource' })),
        iac: Type.Optional(
          Type.Union([
            Type.Object(
              { repo: Type.String(), path: Type.Optional(Type.Union([Type.String(), Type.Null()])) },
              { description: 'Its IaC repository' },
            ),
            Type.Null(),
          ]),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: true },
);

// parseResourceItem judges each item, its errors pointing into the item (`/data/3/attributes/tags/0`); the schema
// documents the item and checks only the batch's shape: TypeBox's Unknown checks nothing, whatever else it says (here:
// the item's own schema, so the document shows it as it is).
const UPSERT_BODY = Type.Object({
  data: Type.Array(Type.Unknown({ ...CLOUD_RESOURCE_ITEM, description: 'A cloud_resource item' }), {
    minItems: 1,
    maxItems: MAX_ITEMS,
  }),
});
const RESOURCE_PARAMS = Type.Object({
  resource_id: Type.String({ description: 'The resource id (an ARN on AWS), URL-encoded: arn%3Aaws%3As3%3A%3A%3Abucket' }),
});
/** Resource ids longer than the router's parameter limit: the hidden wildcard twin takes those. */
const WILDCARD_PARAMS = Type.Object({ '*': Type.String() });

/** The listing's query parameter of each filter. */
const FILTER_PARAMETERS: Record<InventoryFilterField, string> = {
  resource_type: 'filter[resource_type]',
  account: 'filter[account]',
  region: 'filter[region]',
  source: 'filter[source]',
  tags: 'filter[tags]',
};
const filterSchema = (field: InventoryFilterField, options: object = {}) =>
  Type.String({ pattern: INVENTORY_FILTER_FORMATS[field].pattern.source, description: INVENTORY_FILTER_FORMATS[field].description, ...options });

const LIST_QUERY = Type.Object(
  {
    'filter[resource_type]': Type.Optional(filterSchema('resource_type')),
    'filter[account]': Type.Optional(filterSchema('account')),
    'filter[region]': Type.Optional(filterSchema('region')),
    'filter[source]': Type.Optional(filterSchema('source')),
    'filter[tags]': Type.Optional(
      Type.Array(filterSchema('tags', { 'x-error-message': 'is not a key:value tag (such as team:payments)' }), {
        description: INVENTORY_FILTER_FORMATS.tags.description,
      }),
    ),
    'page[limit]': Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_INVENTORY_LIMIT, description: `Page size (default ${DEFAULT_INVENTORY_LIMIT})` }),
    ),
    'page[cursor]': Type.Optional(
      Type.String({ minLength: 1, description: 'The cursor of the previous page (meta.page.cursor); send the same filters with it' }),
    ),
    ...SNAPSHOT_QUERY.properties,
  },
  { additionalProperties: false },
);
type ListQuery = Static<typeof LIST_QUERY>;

// What the routes answer (these are Steward's own shapes, so they are declared whole: the OpenAPI document shows them).
const Nullable = <T extends TSchema>(t: T, description: string) => Type.Union([t, Type.Null()], { description });
const IAC = Type.Optional(
  Type.Object({ repo: Type.String(), path: Type.String() }, { description: 'The infrastructure-as-code root module that manages it' }),
);
const CONFIGURATION = Type.Object({}, { additionalProperties: true, description: 'The canonical configuration (rules/README.md)' });
const WHERE_FROM = {
  source: Nullable(Type.String(), 'Where the version came from: api, or the importer (import:terraform-state, ...); null if not recorded'),
  actor: Nullable(Type.String(), 'The handle of the user who sent it over the API; null for imports'),
};
const COMMON_ATTRIBUTES = {
  resource_type: Type.String({ description: 'Datadog resource type, such as aws_s3_bucket' }),
  name: Type.String(),
  account: Type.String({ description: 'AWS account id, GCP project id, Azure subscription id' }),
  region: Type.String(),
  tags: Type.Array(Type.String(), { description: 'key:value tags' }),
};
const VERSION = Type.Object({
  version: Type.Integer({ description: '1 for the first version, then one more for each change' }),
  valid_from: unixMs('When this version began'),
  valid_to: Nullable(Type.Integer(), 'When the next version replaced it (Unix ms); null while it is in force'),
  deleted: Type.Boolean({ description: 'This version is the deletion of the resource' }),
  ...WHERE_FROM,
  ...COMMON_ATTRIBUTES,
  configuration: CONFIGURATION,
});
const RESOURCE_RESPONSE = Type.Object({
  data: Type.Object({
    type: Type.Literal('cloud_resource'),
    id: Type.String(),
    attributes: Type.Object({
      ...COMMON_ATTRIBUTES,
      cloud_provider: Type.String({ description: 'aws, gcp or azure' }),
      configuration: CONFIGURATION,
      observed_at: Nullable(Type.Integer(), 'When it was last observed (Unix ms); null at a snapshot_timestamp (not kept per version)'),
      first_seen_at: unixMs('When it was first seen'),
      version: Type.Integer({ description: 'The version in force' }),
      deleted: Type.Boolean({ description: 'The version in force is its deletion' }),
      iac: IAC,
      ...WHERE_FROM,
      versions: Type.Array(VERSION, { description: 'Every version, oldest first; at a snapshot_timestamp, those begun by then, as they stood then' }),
    }),
  }),
  meta: Type.Optional(Type.Object({ snapshot_timestamp: unixMs('The instant read, when one was asked for') })),
});
const LIST_RESPONSE = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('cloud_resource'),
      id: Type.String(),
      attributes: Type.Object({
        ...COMMON_ATTRIBUTES,
        cloud_provider: Type.String({ description: 'aws, gcp or azure' }),
        version: Type.Integer({ description: 'The version in force at the instant' }),
        valid_from: unixMs('When that version began'),
        ...WHERE_FROM,
        first_seen_at: unixMs('When it was first seen'),
        iac: IAC,
      }),
    }),
    { description: 'The resources in force at the instant (a deleted resource is absent), by resource id; GET one for its configuration' },
  ),
  links: Type.Optional(Type.Object({ next: Type.String({ description: "The next page: this listing's absolute URL with page[cursor]" }) })),
  meta: Type.Object({
    page: Type.Object({
      total_filtered_count: Type.Integer({ description: 'How many resources the filters select at the instant' }),
      cursor: Type.Optional(Type.String({ description: 'Send as page[cursor] for the next page; absent on the last page' })),
    }),
    snapshot_timestamp: unixMs('The instant every page of this listing reads'),
  }),
});

const UPSERT_RESPONSE = Type.Object(
  {
    data: Type.Object({
      type: Type.Literal('resource_import'),
      id: Type.String({ description: 'The instant of the import (Unix ms)' }),
      attributes: Type.Object(
        {
          received: Type.Integer({ description: 'Items in the batch' }),
          created: Type.Integer(),
          updated: Type.Integer(),
          unchanged: Type.Integer(),
          deleted: Type.Integer(),
          findings_opened: Type.Integer(),
          findings_closed: Type.Integer(),
          gaps_opened: Type.Integer({ description: '(resource, rule) pairs that became not evaluated, or whose missing fields changed' }),
          gaps_closed: Type.Integer({ description: '(resource, rule) pairs judged again' }),
        },
        { description: 'What the batch changed' },
      ),
    }),
  },
  { description: 'What the batch changed' },
);

const OTHER_FILTERS = 'was issued for other filters; send the same filters with it, or start again without it';

function filterOf(query: ListQuery): InventoryFilter {
  const filter: InventoryFilter = { tags: query['filter[tags]'] ?? [] };
  for (const field of ['resource_type', 'account', 'region', 'source'] as const) {
    const value = query[FILTER_PARAMETERS[field] as `filter[${typeof field}]`];
    if (value !== undefined) filter[field] = value;
  }
  const problem = inventoryFilterProblem(filter);
  if (problem) {
    const parameter = FILTER_PARAMETERS[problem.field];
    throw new InvalidInput(`Invalid parameter ${parameter}: ${problem.reason}`, { parameter });
  }
  return filter;
}

type ResourceRequest = FastifyRequest<{
  Querystring: Static<typeof SNAPSHOT_QUERY>;
  Params: Partial<Static<typeof RESOURCE_PARAMS> & Static<typeof WILDCARD_PARAMS>>;
}>;

export const resourceRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.post<{ Body: Static<typeof UPSERT_BODY> }>(
    '/api/v2/csm/resources',
    {
      config,
      // The response schema documents; the counts are sent as the import returns them.
      serializerCompiler: jsonAsIs,
      schema: {
        summary: 'Upsert cloud resources (up to 1000); "deleted": true removes one',
        operationId: 'upsertCloudResources',
        tags,
        body: UPSERT_BODY,
        response: responses({ 200: UPSERT_RESPONSE }, BODY_ERRORS),
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

  app.get<{ Querystring: ListQuery }>(
    '/api/v2/csm/resources',
    {
      config,
      schema: {
        summary: 'List cloud resources, now or at a point in time (snapshot_timestamp), by resource id',
        description:
          'Filters are exact values and are ANDed; filter[tags] may be repeated (every tag must be present). Pages follow ' +
          "meta.page.cursor (or links.next), which keeps the first page's instant, so no page drifts while resources change.",
        operationId: 'listCloudResources',
        tags,
        querystring: LIST_QUERY,
        response: responses(exportingListResponse(INVENTORY_CSV_COLUMNS, LIST_RESPONSE)),
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const filter = filterOf(request.query);
      const format = requestedExport(request);
      if (format) {
        const exported = await exportInventory(ctx.db, orgId, filter, request.query.snapshot_timestamp);
        return sendExport(reply, format, 'resources', exported, INVENTORY_CSV_COLUMNS);
      }
      const secret = await cursorSecret(ctx.db);
      const page = await listInventory(ctx.db, orgId, {
        filter,
        limit: request.query['page[limit]'] ?? DEFAULT_INVENTORY_LIMIT,
        snapshotTimestamp: request.query.snapshot_timestamp,
        position: decodePositionCursor(secret, orgId, request.query, inventoryFilterHash(filter), OTHER_FILTERS),
      });
      const cursor = page.next && encodePositionCursor(secret, orgId, page.next, inventoryFilterHash(filter));
      return inventoryListBody(
        page,
        cursor === undefined ? undefined : { cursor, link: nextPageLink(request, cursor, request.routeOptions.url ?? '/api/v2/csm/resources') },
      );
    },
  );

  const getOne = async (request: ResourceRequest) => {
    const id = request.params.resource_id ?? request.params['*'] ?? '';
    if (id === '') throw new NotFound('No resource given');
    const found = await resourceWithVersions(ctx.db, request.principal.orgId, idParameter('resource_id', id), request.query.snapshot_timestamp);
    return serializeResourceWithVersions(found);
  };
  app.get(
    '/api/v2/csm/resources/:resource_id',
    {
      config,
      schema: {
        summary: 'Get a cloud resource with its versions (where each came from, and when it held), now or at snapshot_timestamp',
        operationId: 'getCloudResource',
        tags,
        params: RESOURCE_PARAMS,
        querystring: SNAPSHOT_QUERY,
        response: responses({ 200: RESOURCE_RESPONSE }, [404]),
      },
    },
    getOne,
  );
  app.get(
    '/api/v2/csm/resources/*',
    { config, schema: { hide: true, params: WILDCARD_PARAMS, querystring: SNAPSHOT_QUERY, response: { 200: RESOURCE_RESPONSE } } as object },
    getOne,
  );
};
