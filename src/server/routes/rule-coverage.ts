import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { InvalidInput } from '../../errors.js';
import { SNAPSHOT_QUERY } from '../../findings/list-query.js';
import { cursorSecret } from '../../store/server-secrets.js';
import {
  COVERAGE_FILTER_FORMATS,
  DEFAULT_COVERAGE_GAPS_LIMIT,
  MAX_COVERAGE_GAPS_LIMIT,
  coverageBody,
  coverageFilterProblem,
  coverageGaps,
  coverageGapsBody,
  packRules,
  ruleCoverage,
  type CoverageFilter,
  type CoverageFilterField,
} from '../../posture/rule-coverage.js';
import { idParameter } from '../input-checks.js';
import { decodePositionCursor, encodePositionCursor, nextPageLink } from '../position-cursor.js';
import { responses } from '../openapi-responses.js';
import { unixMs } from '../openapi-json-api.js';

const tags = ['Rules'];
// Coverage is read beside the findings it counts: it spends their budget.
const config = { rateLimit: 'findings' };

const FILTER_PARAMETERS: Record<CoverageFilterField, string> = { rule_id: 'filter[rule_id]', resource_type: 'filter[resource_type]' };
const filterSchema = (field: CoverageFilterField) =>
  Type.String({ pattern: COVERAGE_FILTER_FORMATS[field].pattern.source, description: COVERAGE_FILTER_FORMATS[field].description });

const COVERAGE_QUERY = Type.Object(
  {
    'filter[rule_id]': Type.Optional(filterSchema('rule_id')),
    'filter[resource_type]': Type.Optional(filterSchema('resource_type')),
    ...SNAPSHOT_QUERY.properties,
  },
  { additionalProperties: false },
);
type CoverageQuery = Static<typeof COVERAGE_QUERY>;

const GAPS_QUERY = Type.Object(
  {
    'page[limit]': Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_COVERAGE_GAPS_LIMIT, description: `Page size (default ${DEFAULT_COVERAGE_GAPS_LIMIT})` }),
    ),
    'page[cursor]': Type.Optional(Type.String({ minLength: 1, description: 'The cursor of the previous page (meta.page.cursor)' })),
    ...SNAPSHOT_QUERY.properties,
  },
  { additionalProperties: false },
);
type GapsQuery = Static<typeof GAPS_QUERY>;
const RULE_PARAMS = Type.Object({ rule_id: Type.String({ description: 'A rule id of the rule pack (steward rules list)' }) });

// What the routes answer (Steward's own shapes, declared whole: the OpenAPI document shows them).
const COUNTS = {
  pass: Type.Integer({ description: '(resource, rule) pairs that pass' }),
  fail: Type.Integer({ description: '(resource, rule) pairs that fail' }),
  not_evaluated: Type.Integer({ description: '(resource, rule) pairs the rule could not judge: a field that decides it is absent' }),
  missing_fields: Type.Array(Type.Object({ field: Type.String({ description: 'A canonical configuration path' }), count: Type.Integer() }), {
    description: 'The fields the not-evaluated pairs lacked, with how many lacked each; most frequent first',
  }),
  sources: Type.Array(
    Type.Object({
      source: Type.Union([Type.String(), Type.Null()], { description: 'import:terraform-state, import:aws-config, api, ...; null if not recorded' }),
      count: Type.Integer(),
    }),
    { description: 'Where the versions of the not-evaluated resources came from, with how many of each; most frequent first' },
  ),
};
const COVERAGE_RESPONSE = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('rule_coverage'),
      id: Type.String({ description: 'The rule id' }),
      attributes: Type.Object({
        rule_id: Type.String(),
        name: Type.String(),
        resource_type: Type.String(),
        severity: Type.String(),
        in_rule_pack: Type.Boolean({ description: 'False for a rule the findings name but the rule pack no longer has' }),
        ...COUNTS,
      }),
    }),
    { description: "Every rule of the pack the filters select (by resource type, then id); counts of the pack's own findings only" },
  ),
  meta: Type.Object({
    snapshot_timestamp: unixMs('The instant read'),
    resource_types: Type.Array(Type.Object({ resource_type: Type.String(), rules: Type.Integer({ description: 'Rules of this type' }), ...COUNTS }), {
      description: 'The same counts summed per resource type',
    }),
  }),
});
const GAPS_RESPONSE = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('not_evaluated_resource'),
      id: Type.String({ description: 'The resource id' }),
      attributes: Type.Object({
        rule_id: Type.String(),
        resource_type: Type.String(),
        name: Type.Union([Type.String(), Type.Null()], { description: 'The resource name as the inventory has it now' }),
        missing_fields: Type.Array(Type.String(), { description: 'The deciding fields its configuration lacked' }),
        source: Type.Union([Type.String(), Type.Null()], { description: 'Where the version that lacked them came from' }),
        not_evaluated_since: unixMs('Since when the rule could not judge it, for these fields and this source'),
      }),
    }),
    { description: 'The resources the rule could not judge at the instant, by resource id' },
  ),
  links: Type.Optional(Type.Object({ next: Type.String({ description: "The next page: this listing's absolute URL with page[cursor]" }) })),
  meta: Type.Object({
    page: Type.Object({
      total_filtered_count: Type.Integer({ description: 'How many resources the rule could not judge at the instant' }),
      cursor: Type.Optional(Type.String({ description: 'Send as page[cursor] for the next page; absent on the last page' })),
    }),
    snapshot_timestamp: unixMs('The instant every page of this listing reads'),
  }),
});

function filterOf(query: CoverageQuery): CoverageFilter {
  const filter: CoverageFilter = {};
  if (query['filter[rule_id]'] !== undefined) filter.rule_id = query['filter[rule_id]'];
  if (query['filter[resource_type]'] !== undefined) filter.resource_type = query['filter[resource_type]'];
  const problem = coverageFilterProblem(filter);
  if (problem) {
    const parameter = FILTER_PARAMETERS[problem.field];
    throw new InvalidInput(`Invalid parameter ${parameter}: ${problem.reason}`, { parameter });
  }
  return filter;
}

export const ruleCoverageRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  // Read when asked: the pack is loaded once, and an app built without one lists the rules its findings name.
  const rules = () => packRules(ctx.rules);

  app.get<{ Querystring: CoverageQuery }>(
    '/api/v2/csm/rules/coverage',
    {
      config,
      schema: {
        summary: 'How much of the estate each rule could judge: pass, fail and not evaluated, per rule and per resource type',
        description:
          'Counts (resource, rule) pairs of the rule pack at the instant (now, or snapshot_timestamp): pass and fail from the findings, ' +
          'not evaluated where a field that decides the rule was absent from the configuration, with those fields and the sources ' +
          'of the resources that lacked them. Findings imported from Datadog are not counted. Filters are exact values.',
        operationId: 'listRuleCoverage',
        tags,
        querystring: COVERAGE_QUERY,
        response: responses({ 200: COVERAGE_RESPONSE }),
      },
    },
    async (request) => {
      const report = await ruleCoverage(ctx.db, request.principal.orgId, rules(), {
        filter: filterOf(request.query),
        snapshotTimestamp: request.query.snapshot_timestamp,
      });
      return coverageBody(report);
    },
  );

  app.get<{ Params: Static<typeof RULE_PARAMS>; Querystring: GapsQuery }>(
    '/api/v2/csm/rules/coverage/:rule_id/resources',
    {
      config,
      schema: {
        summary: 'The resources a rule could not judge, with the fields each lacked, its source and since when',
        description: "Pages follow meta.page.cursor (or links.next), which keeps the first page's instant, so no page drifts.",
        operationId: 'listRuleCoverageGaps',
        tags,
        params: RULE_PARAMS,
        querystring: GAPS_QUERY,
        // 404: no such rule in the rule pack.
        response: responses({ 200: GAPS_RESPONSE }, [404]),
      },
    },
    async (request) => {
      const { orgId } = request.principal;
      const ruleId = idParameter('rule_id', request.params.rule_id);
      const secret = await cursorSecret(ctx.db);
      const page = await coverageGaps(ctx.db, orgId, rules(), ruleId, {
        limit: request.query['page[limit]'] ?? DEFAULT_COVERAGE_GAPS_LIMIT,
        snapshotTimestamp: request.query.snapshot_timestamp,
        position: decodePositionCursor(secret, orgId, request.query, ruleId, "was issued for another rule's listing; start again without it"),
      });
      const cursor = page.next && encodePositionCursor(secret, orgId, page.next, ruleId);
      return coverageGapsBody(page, cursor === undefined ? undefined : { cursor, link: nextPageLink(request, cursor) });
    },
  );
};
