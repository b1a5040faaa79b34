// The directory answers, field by field as the use cases write them (directoryBody in
// src/ownership/ownership-serializers.ts, src/ownership/use-cases/owner-pages.ts): Steward's own shapes.
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../schema-types.js';
import { CLOSED, isoInstant, nullable, resourceDocument, resourceObject } from './openapi-json-api.js';
import { CONFIDENCE, INFERENCE_STATUS } from './openapi-ownership-schemas.js';

export const DIRECTORY_RESPONSE = resourceDocument(
  'directory',
  'The organization',
  Type.Object(
    {
      users: Type.Array(
        Type.Object(
          {
            handle: Type.String(),
            email: Type.Optional(Type.String({ description: 'Absent when the directory has none' })),
            name: Type.String({ description: 'The display name, else the handle' }),
            active: Type.Boolean({ description: 'false for people who have left' }),
            teams: Type.Array(Type.String(), { description: 'The handles of their teams' }),
          },
          CLOSED,
        ),
      ),
      teams: Type.Array(Type.Object({ handle: Type.String(), name: Type.String() }, CLOSED)),
    },
    CLOSED,
  ),
  "The organization's users and teams",
);

/** What the owners listing and one owner's page both say of an owner. */
const OWNER = {
  owner_type: StringEnum(['team', 'service'] as const),
  handle: Type.String(),
  name: Type.String({ description: 'Its name in the directory, else the handle' }),
  known_from: Type.Array(StringEnum(['directory', 'codeowners', 'catalog', 'inference'] as const), {
    description: 'Where it is known from: the directory, CODEOWNERS, the service catalog, current answers naming it',
  }),
};
const OWNER_ID = '<owner_type>/<handle>';

export const OWNERS_RESPONSE = Type.Object(
  {
    data: Type.Array(
      resourceObject(
        'owner',
        OWNER_ID,
        Type.Object({ ...OWNER, owned_answers: Type.Integer({ description: 'How many current answers of the owner type name it' }) }, CLOSED),
      ),
      { description: 'By handle, compared case-insensitively' },
    ),
  },
  { ...CLOSED, description: 'The owners of the type the organization knows' },
);

const OWNED_ANSWER = Type.Object(
  {
    resource_id: Type.String(),
    resource_name: nullable(Type.String(), 'null when the resource is not in the inventory'),
    resource_type: nullable(Type.String(), 'null when the resource is not in the inventory'),
    owner_handle: Type.String({ description: 'As the answer spells it' }),
    confidence: CONFIDENCE,
    status: INFERENCE_STATUS,
    explanation: Type.String(),
    checksum: Type.String(),
    updated_at: isoInstant('When the answer last changed'),
  },
  CLOSED,
);

export const OWNER_RESPONSE = resourceDocument(
  'owner',
  OWNER_ID,
  Type.Object({ ...OWNER, answers: Type.Array(OWNED_ANSWER, { description: 'The current answers naming it, any status, by resource id' }) }, CLOSED),
  'The owner and the current answers naming it',
);
