// The legacy findings answers, field by field as src/findings/serializers.ts writes them: the official client's
// ListFindingsResponse and GetFindingResponse under /api/v2 (with resource_id, and ip_addresses in the detailed
// listing, which Datadog sends beyond its models), the summary, and the 2023 beta envelopes under /api/unstable.
import { Type } from '@sinclair/typebox';
import { SEVERITIES, VULNERABILITY_TYPES } from '../posture/resource.js';
import { MUTE_REASONS } from '../findings/mute-request.js';
import { listingMuteReason } from '../findings/serializers.js';
import { StringEnum } from '../schema-types.js';
import { CLOSED, resourceDocument, resourceObject, unixMs } from './openapi-json-api.js';

/**
 * The client's FindingMuteReason: the listing shows any mute's reason as listingMuteReason makes it, and the reasons a
 * mute request takes reach every one of those.
 */
const FINDING_MUTE_REASONS = [...new Set(MUTE_REASONS.map(listingMuteReason))];

export const FINDING_RULE = Type.Object(
  { id: Type.String(), name: Type.String() },
  { ...CLOSED, $id: 'FindingRule', description: 'The rule that evaluated the resource' },
);

export const FINDING_MUTE = Type.Object(
  {
    muted: Type.Boolean(),
    reason: Type.Optional(StringEnum(FINDING_MUTE_REASONS)),
    description: Type.Optional(Type.String()),
    start_date: Type.Optional(unixMs('When the mute began')),
    expiration_date: Type.Optional(unixMs('When the mute ends')),
    uuid: Type.Optional(Type.String({ description: 'Who muted it' })),
  },
  { ...CLOSED, $id: 'FindingMute', description: 'The mute at the instant; a mute that expired by then is `{muted: false}`' },
);

export const LIST_FINDINGS_META = Type.Object(
  {
    page: Type.Object(
      {
        total_filtered_count: Type.Integer({ description: 'How many findings the filters select at the instant' }),
        cursor: Type.Optional(Type.String({ description: 'Send as page[cursor] for the next page; absent on the last page' })),
      },
      CLOSED,
    ),
    snapshot_timestamp: unixMs('The instant every page of this listing reads'),
  },
  { ...CLOSED, $id: 'ListFindingsMeta' },
);

/** The shared components of this file, for the app to register. */
export const FINDINGS_COMPONENTS = [FINDING_RULE, FINDING_MUTE, LIST_FINDINGS_META];

const STATUS = StringEnum(SEVERITIES, { description: 'The severity' });
const EVALUATION = StringEnum(['pass', 'fail'] as const);
const EVALUATION_CHANGED_AT = unixMs('When the evaluation last changed');
const RESOURCE_DISCOVERY_DATE = unixMs('When the resource was first seen');
const RESOURCE = Type.String({ description: 'The resource name' });
const RESOURCE_TYPE = Type.String({ description: 'Such as aws_s3_bucket' });
const TAGS = Type.Array(Type.String(), { description: 'key:value tags' });
const RESOURCE_CONFIGURATION = Type.Object(
  {},
  { additionalProperties: true, description: "The resource's configuration at the instant (Datadog's own for an imported finding)" },
);

/** What the v2 listing and the v2 detail both say of a finding. */
const FINDING_ATTRIBUTES = {
  evaluation: EVALUATION,
  evaluation_changed_at: EVALUATION_CHANGED_AT,
  mute: Type.Ref(FINDING_MUTE),
  resource: RESOURCE,
  resource_discovery_date: RESOURCE_DISCOVERY_DATE,
  resource_type: RESOURCE_TYPE,
  rule: Type.Ref(FINDING_RULE),
  status: STATUS,
  tags: TAGS,
  vulnerability_type: StringEnum(VULNERABILITY_TYPES),
  resource_id: Type.String({ description: 'The resource id (an ARN on AWS)' }),
};
/** Only with detailed_findings=true. */
const DETAILED_LISTING_ATTRIBUTES = {
  external_id: Type.Optional(Type.String({ description: 'The resource id' })),
  description: Type.Optional(Type.String({ description: "The rule's message" })),
  datadog_link: Type.Optional(Type.String({ description: "The finding's page, relative to the app" })),
  ip_addresses: Type.Optional(Type.Array(Type.String(), { description: "Private IP addresses in the resource's configuration" })),
};

export const LIST_FINDINGS_RESPONSE = Type.Object(
  {
    data: Type.Array(resourceObject('finding', 'The finding id', Type.Object({ ...FINDING_ATTRIBUTES, ...DETAILED_LISTING_ATTRIBUTES }, CLOSED))),
    meta: Type.Ref(LIST_FINDINGS_META),
  },
  { ...CLOSED, description: 'A page of findings at the instant' },
);

export const GET_FINDING_RESPONSE = resourceDocument(
  'detailed_finding',
  'The finding id',
  Type.Object(
    { ...FINDING_ATTRIBUTES, message: Type.String({ description: "The rule's message" }), resource_configuration: RESOURCE_CONFIGURATION },
    CLOSED,
  ),
  'The finding at the instant, with its message and resource configuration',
);

const COUNT = Type.Integer({ minimum: 0 });
export const FINDINGS_SUMMARY_RESPONSE = Type.Object(
  {
    data: resourceObject(
      'findings_summary',
      Type.Literal('summary'),
      Type.Object(
        {
          total: COUNT,
          by_status: Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, COUNT])), { ...CLOSED, description: 'Every severity, 0 included' }),
          by_evaluation: Type.Object({ pass: COUNT, fail: COUNT }, CLOSED),
          top_teams_failing: Type.Array(Type.Object({ team: Type.String({ description: 'The value of a team: tag' }), count: COUNT }, CLOSED), {
            maxItems: 10,
            description: 'The ten teams (team: tags) on most failing findings, most first',
          }),
        },
        CLOSED,
      ),
    ),
    meta: Type.Object({ snapshot_timestamp: unixMs('The instant counted') }, CLOSED),
  },
  { ...CLOSED, description: 'Counts of the findings at the instant: by severity, by evaluation, and the teams failing most' },
);

/** The 2023 beta's flat finding: `muted` is a boolean, and it has no vulnerability type. */
const BETA_FINDING = {
  id: Type.String({ description: 'The finding id' }),
  status: STATUS,
  evaluation: EVALUATION,
  resource_discovery_date: RESOURCE_DISCOVERY_DATE,
  resource_type: RESOURCE_TYPE,
  resource: RESOURCE,
  rule: Type.Ref(FINDING_RULE),
  evaluation_changed_at: EVALUATION_CHANGED_AT,
  muted: Type.Boolean({ description: 'Muted at the instant' }),
  tags: TAGS,
};
const RESPONSE_ID = 'Identifies this answer (a new UUID each time)';

export const BETA_LIST_FINDINGS_RESPONSE = Type.Object(
  {
    data: resourceObject(
      'posture_management_list_findings_resp',
      RESPONSE_ID,
      Type.Object({ findings: Type.Array(Type.Object(BETA_FINDING, CLOSED)) }, CLOSED),
    ),
    meta: Type.Ref(LIST_FINDINGS_META),
  },
  { ...CLOSED, description: 'A page of findings at the instant, in the beta envelope' },
);

export const BETA_GET_FINDING_RESPONSE = resourceDocument(
  'posture_management_fetch_finding_resp',
  RESPONSE_ID,
  Type.Object(
    {
      finding: Type.Object(
        { ...BETA_FINDING, message: Type.String({ description: "The rule's message" }), resource_configuration: RESOURCE_CONFIGURATION },
        CLOSED,
      ),
    },
    CLOSED,
  ),
  'The finding at the instant, with its message and resource configuration, in the beta envelope',
);
