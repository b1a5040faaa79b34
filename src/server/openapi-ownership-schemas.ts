// The CSM Ownership answers, field by field as src/ownership/ownership-serializers.ts and the evidence use case write
// them, after the official client's models (OwnershipInferenceListResponse, OwnershipInferenceResponse,
// OwnershipHistoryResponse, OwnershipEvidenceResponse, OwnershipFeedbackResponse). An inference's sources and
// evidence versions are read back as they were stored: their known fields are listed, and those objects stay open.
import { Type } from '@sinclair/typebox';
import { FEEDBACK_ACTIONS } from '../ownership/feedback.js';
import { INFERENCE_STATUSES } from '../ownership/inference-status.js';
import { StringEnum } from '../schema-types.js';
import { CLOSED, isoInstant, nullable, resourceDocument, resourceObject } from './openapi-json-api.js';

export const INFERENCE_STATUS = StringEnum(INFERENCE_STATUSES, {
  description: 'suggested (inferred), persisted or overridden (by a review), failed (could not be computed), unknown (no owner found)',
});
/** The owner type answered: the one asked for, or unknown when no owner was found. */
const ANSWER_OWNER_TYPE = StringEnum(['team', 'user', 'service', 'unknown'] as const);
export const CONFIDENCE = Type.String({ pattern: '^[01]\\.[0-9]{4}$', description: 'From 0 to 1, with four decimals' });
const CHECKSUM = Type.String({ description: 'Names this state of the inference: send it back with feedback (and as its ETag)' });
const VERSION = Type.Union([Type.String(), Type.Integer()]);

export const OWNERSHIP_EVIDENCE_VERSION = Type.Object(
  {
    source: Type.String({ description: 'What kind of record: resource, directory, codeowners, cloudtrail, a catalog, preferences, ...' }),
    id: Type.String({ description: 'The record' }),
    version: VERSION,
  },
  { $id: 'OwnershipEvidenceVersion', description: 'One version of a record the inference weighed' },
);

export const OWNERSHIP_INFERENCE_SOURCE = Type.Object(
  {
    type: Type.String({ description: 'The signal kind that named the owner (owner_tag, codeowners, ...), or review' }),
    name: Type.Optional(Type.String({ description: 'What named it: a tag, a repository, a principal, a reviewer, ...' })),
    version: VERSION,
    origin: Type.Optional(Type.String({ description: 'Where the evidence came from' })),
    evidence_id: Type.Optional(Type.String()),
    piece: Type.Optional(Type.String({ description: 'The piece of evidence the vote rests on, shared by every resource resting on it' })),
    reliability: Type.Optional(Type.Number({ description: 'How often this kind of vote is right, as learnt' })),
    co_owners: Type.Optional(Type.Array(Type.String(), { description: 'A tie: every owner the same evidence names equally' })),
    action: Type.Optional(Type.Literal('correct', { description: 'A review that set the owner' })),
    replaced_owner: Type.Optional(nullable(Type.String(), 'The owner the review replaced')),
    reviewed_owner_count: Type.Optional(
      Type.Integer({ description: 'A vote from reviews of other resources resting on the same piece: how many named this owner' }),
    ),
    reviewed_count: Type.Optional(
      Type.Integer({ description: 'A vote from reviews of other resources resting on the same piece: how many were reviewed' }),
    ),
  },
  {
    additionalProperties: true,
    $id: 'OwnershipInferenceSource',
    description: 'A source that named the owner, with the details of its kind (tag, repository, path, line, ...)',
  },
);

/** What an inference and a history entry both say. */
const INFERENCE_STATE = {
  checksum: CHECKSUM,
  confidence: CONFIDENCE,
  created_at: isoInstant('When the inference was first made'),
  evidence_versions: Type.Array(Type.Ref(OWNERSHIP_EVIDENCE_VERSION), { description: 'The versions of every record that decided it' }),
  explanation: Type.String(),
  owner_type: ANSWER_OWNER_TYPE,
  sources: Type.Array(Type.Ref(OWNERSHIP_INFERENCE_SOURCE), { description: 'The sources that named the owner; empty when none did' }),
  status: INFERENCE_STATUS,
  primary_contact_ref: Type.Optional(Type.String({ description: 'ref:handle/<owner handle>; absent when it names no owner' })),
};
const INFERENCE_ATTRIBUTES = { ...INFERENCE_STATE, updated_at: isoInstant('When it last changed') };
const INFERENCE_ID = 'resource_id:owner_type (the owner type asked for)';

export const INFERENCE_LIST_RESPONSE = resourceDocument(
  'ownership_inferences',
  'The resource id',
  Type.Object({ items: Type.Array(Type.Object({ id: Type.String({ description: INFERENCE_ID }), ...INFERENCE_ATTRIBUTES }, CLOSED)) }, CLOSED),
  'The current inference of each owner type',
);

export const INFERENCE_RESPONSE = resourceDocument(
  'ownership_inference',
  INFERENCE_ID,
  Type.Object(INFERENCE_ATTRIBUTES, CLOSED),
  'The current inference of the owner type',
);

const HISTORY_ITEM = Type.Object(
  {
    id: Type.Integer({ description: 'The entry; it grows with time' }),
    resource_id: Type.String(),
    ...INFERENCE_STATE,
    failed_at: Type.Optional(isoInstant('When the inference failed')),
    failure_reason: Type.Optional(Type.String()),
    retry_schedule: Type.Optional(Type.String({ description: 'When a failed inference is tried again' })),
    review: Type.Optional(
      Type.Object(
        { action: StringEnum(FEEDBACK_ACTIONS), actor: Type.String({ description: 'The reviewer' }), reason: Type.Optional(Type.String()) },
        { ...CLOSED, description: "Steward's own: the review that wrote this entry" },
      ),
    ),
  },
  CLOSED,
);

export const OWNERSHIP_HISTORY_RESPONSE = Type.Object(
  {
    data: resourceObject(
      'ownership_history',
      'The resource id',
      Type.Object(
        {
          items: Type.Array(HISTORY_ITEM, { description: 'Newest first' }),
          pagination: Type.Object(
            {
              has_more: Type.Boolean(),
              next_cursor: Type.Optional(Type.String({ description: 'Send as cursor for the next page; absent on the last page' })),
            },
            CLOSED,
          ),
        },
        CLOSED,
      ),
    ),
  },
  { ...CLOSED, $id: 'OwnershipHistoryResponse', description: 'A page of inference versions, newest first' },
);

const RECORDED_EVIDENCE_VERSION = Type.Object(
  {
    source: OWNERSHIP_EVIDENCE_VERSION.properties.source,
    id: OWNERSHIP_EVIDENCE_VERSION.properties.id,
    version: VERSION,
    kind: Type.Optional(Type.String({ description: 'resource, preferences, audit_event, or a signal kind; absent when none is known' })),
    recorded_from: Type.Optional(Type.String({ description: 'Where a signal was imported from' })),
    recorded: Type.Boolean({ description: 'Whether the content is still kept' }),
    content: Type.Unknown({ description: 'The record as it was written (any JSON value); null when it is not kept' }),
    observed_at: Type.Optional(isoInstant('When the record was observed')),
  },
  CLOSED,
);

export const OWNERSHIP_EVIDENCE_RESPONSE = resourceDocument(
  'ownership_evidence',
  'The resource id',
  Type.Object({ evidence_versions: Type.Array(RECORDED_EVIDENCE_VERSION) }, CLOSED),
  'The evidence the current inference weighed, each version with its content as it was recorded',
);

export const FEEDBACK_RESULT_RESPONSE = resourceDocument(
  'ownership_feedback_result',
  'The resource id',
  Type.Object(
    {
      action: StringEnum(FEEDBACK_ACTIONS),
      checksum: CHECKSUM,
      new_status: INFERENCE_STATUS,
      owner_type: ANSWER_OWNER_TYPE,
      previous_status: INFERENCE_STATUS,
      updated_at: isoInstant('When the inference changed'),
      primary_contact_ref: INFERENCE_STATE.primary_contact_ref,
    },
    CLOSED,
  ),
  'The feedback as recorded, and the inference it leaves',
);

/** The shared components of this file, for the app to register. */
export const SETTINGS_RESPONSE = resourceDocument(
  'ownership_settings',
  'The organization',
  Type.Object(
    {
      auto_tag: Type.Boolean(),
      confidence_level: Type.String({ description: 'The lowest confidence band that is auto-tagged' }),
      version: Type.Integer(),
    },
    CLOSED,
  ),
  'The ownership settings',
);
export const UNTAGGED_FINDINGS_RESPONSE = resourceDocument(
  'ownership_untagged_findings',
  'The organization',
  Type.Object({ total: Type.Integer(), high_confidence: Type.Integer(), medium_confidence: Type.Integer(), low_confidence: Type.Integer() }, CLOSED),
  'Counts of the open findings without a team tag, by the confidence band of their answer',
);

export const OWNERSHIP_COMPONENTS = [OWNERSHIP_EVIDENCE_VERSION, OWNERSHIP_INFERENCE_SOURCE, OWNERSHIP_HISTORY_RESPONSE];
