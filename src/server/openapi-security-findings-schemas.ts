// The Security Findings answers, field by field as src/findings/security-finding-schema.ts writes them, after the
// official client's models: ListSecurityFindingsResponse (SecurityFindingsData, SecurityFindingsAttributes,
// SecurityFindingsLinks, SecurityFindingsMeta, SecurityFindingsPage) and MuteFindingsResponse. Datadog's inner
// `attributes.attributes` is a free-form object: the fields Steward writes there are listed, and it stays open.
import { Type } from '@sinclair/typebox';
import { SEVERITIES, VULNERABILITY_TYPES } from '../posture/resource.js';
import { OWNER_TYPES } from '../ownership/owner-type.js';
import { INFERENCE_STATUSES } from '../ownership/inference-status.js';
import { StringEnum } from '../schema-types.js';
import { CLOSED, nullable, unixMs } from './openapi-json-api.js';

const RULE_ID = Type.String({ description: 'The automation rule id' });
const RULE_NAME = Type.String({ description: 'The automation rule name' });

const MUTE = Type.Object(
  {
    is_muted: Type.Boolean(),
    is_muted_by_rule: Type.Boolean({ description: 'Muted by a mute rule, not by a user' }),
    reason: Type.Optional(Type.String({ description: 'The reason as the mute gave it (a mute request, a mute rule, or an imported finding)' })),
    description: Type.Optional(Type.String()),
    muted_at: Type.Optional(unixMs('When the mute began')),
    expire_at: Type.Optional(unixMs('When the mute ends')),
    muted_by: Type.Optional(
      Type.Object(
        { id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) },
        { ...CLOSED, description: 'The mute rule (its id and name), or the user (their id and handle)' },
      ),
    ),
  },
  { ...CLOSED, description: 'The mute at the instant; one that expired by then is not muted, and only its two flags are given' },
);

const WORKFLOW = Type.Object(
  {
    mute: MUTE,
    due_date: Type.Optional(
      Type.Object(
        {
          due_at: unixMs('When the finding is due'),
          is_overdue: Type.Boolean({ description: 'Due at or before the instant and still open' }),
          rule_id: RULE_ID,
          rule_name: RULE_NAME,
        },
        { ...CLOSED, description: 'Set by a due date rule' },
      ),
    ),
    automations: Type.Optional(
      Type.Object(
        {
          rules: Type.Array(Type.Object({ id: RULE_ID, name: RULE_NAME, type: StringEnum(['severity_modifier', 'due_date'] as const) }, CLOSED), {
            minItems: 1,
          }),
        },
        { ...CLOSED, description: 'The automation rules that changed the finding' },
      ),
    ),
  },
  CLOSED,
);

/** One owner, its confidence and its inference status per owner type that has an inference (`@owner.team`, ...). */
const OWNER = Type.Object(
  Object.fromEntries(
    OWNER_TYPES.flatMap((type) => [
      [type, Type.Optional(nullable(Type.String(), `The ${type} handle; null when none was found`))],
      [`${type}_confidence`, Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'From 0 to 1, with at most four decimals' }))],
      [`${type}_status`, Type.Optional(StringEnum(INFERENCE_STATUSES))],
    ]),
  ),
  { ...CLOSED, description: "The resource's inferred owners at the instant, which Datadog's schema does not have" },
);

const CLOUD_RESOURCE = Type.Object(
  {
    key: Type.String({ description: 'The resource id' }),
    display_name: Type.String({ description: 'The resource name' }),
    cloud_provider: Type.Optional(Type.String({ description: 'AWS, GCP, Azure, or the cloud_provider tag as it is' })),
    account: Type.Optional(Type.Object({ account_id: Type.String() }, { ...CLOSED, description: "From the provider's account tag" })),
    configuration: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "The resource's configuration at the instant (Datadog's own for an imported finding)" },
      ),
    ),
  },
  CLOSED,
);

/** Datadog's free-form finding attributes: what Steward writes there. */
const FINDING_FIELDS = Type.Object(
  {
    finding_id: Type.String(),
    finding_type: StringEnum(VULNERABILITY_TYPES),
    status: StringEnum(['open', 'muted', 'resolved'] as const, {
      description: 'muted when muted at the instant, else open when failing, else resolved',
    }),
    severity: StringEnum(SEVERITIES, { description: 'After any severity modifier rule' }),
    base_severity: StringEnum(SEVERITIES, { description: "The finding's own severity" }),
    compliance: Type.Object({ evaluation: StringEnum(['pass', 'fail'] as const) }, CLOSED),
    detection_changed_at: unixMs('When the evaluation last changed'),
    first_seen_at: Type.Optional(unixMs('When Steward first held a state of the finding')),
    resource_id: Type.String(),
    resource_name: Type.String(),
    resource_type: Type.String({ description: 'Such as aws_s3_bucket' }),
    rule: Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        type: Type.Optional(Type.Literal('cloud_configuration', { description: 'For misconfiguration and identity risk findings' })),
      },
      CLOSED,
    ),
    cloud_resource: CLOUD_RESOURCE,
    workflow: WORKFLOW,
    owner: Type.Optional(OWNER),
    metadata: Type.Object({ schema_version: Type.Literal('2') }, CLOSED),
    description: Type.Optional(Type.String({ description: "The rule's message" })),
  },
  { additionalProperties: true, description: 'The finding, in namespaced fields (searchable as @<field>)' },
);

export const SECURITY_FINDINGS_DATA = Type.Object(
  {
    id: Type.String({ description: 'The finding id' }),
    type: Type.Literal('finding'),
    attributes: Type.Object(
      {
        attributes: FINDING_FIELDS,
        tags: Type.Array(Type.String(), { description: 'key:value tags' }),
        timestamp: unixMs('When the evaluation last changed'),
      },
      CLOSED,
    ),
  },
  { ...CLOSED, $id: 'SecurityFindingsData', description: 'A finding at the instant' },
);

export const LIST_SECURITY_FINDINGS_RESPONSE = Type.Object(
  {
    data: Type.Array(Type.Ref(SECURITY_FINDINGS_DATA)),
    links: Type.Object(
      { next: Type.Optional(Type.String({ description: 'The next page as a GET of the listing; absent on the last page, or when too long' })) },
      CLOSED,
    ),
    meta: Type.Object(
      {
        page: Type.Object(
          { after: Type.Optional(Type.String({ description: 'Send as page[cursor] for the next page; absent on the last page' })) },
          CLOSED,
        ),
        status: Type.Literal('done', { description: 'The page is whole' }),
        elapsed: Type.Integer({ minimum: 0, description: 'Milliseconds the page took' }),
        request_id: Type.String({ description: 'Identifies this answer (a new UUID each time)' }),
        snapshot_timestamp: unixMs('The instant every page of this listing reads'),
      },
      CLOSED,
    ),
  },
  { ...CLOSED, $id: 'ListSecurityFindingsResponse', description: 'A page of findings at the instant' },
);

export const MUTE_FINDINGS_RESPONSE = Type.Object(
  { data: Type.Object({ id: Type.String({ description: 'The id of this mute' }), type: Type.Literal('mute') }, CLOSED) },
  { ...CLOSED, description: 'The mute was applied' },
);

/** The shared components of this file, for the app to register. */
export const SECURITY_FINDINGS_COMPONENTS = [SECURITY_FINDINGS_DATA, LIST_SECURITY_FINDINGS_RESPONSE];
