// The pieces the response schemas are built of: JSON:API resource objects and documents, instants, nullable values.
// An object the server builds field by field is `CLOSED`: the document then says exactly what is sent, and a field the
// schema lacks fails the document's own test instead of going unnoticed.
import { Type, type TSchema } from '@sinclair/typebox';

export const CLOSED = { additionalProperties: false } as const;

/** A resource object: its id (described, or a schema of its own), its one type, its attributes. */
export const resourceObject = <A extends TSchema>(type: string, id: string | TSchema, attributes: A, description?: string) =>
  Type.Object(
    { id: typeof id === 'string' ? Type.String({ description: id }) : id, type: Type.Literal(type), attributes },
    { ...CLOSED, ...(description === undefined ? {} : { description }) },
  );

/** A JSON:API document whose `data` is one resource object. */
export const resourceDocument = <A extends TSchema>(type: string, id: string | TSchema, attributes: A, description: string) =>
  Type.Object({ data: resourceObject(type, id, attributes) }, { ...CLOSED, description });

/** An instant as Unix milliseconds. */
export const unixMs = (description: string) => Type.Integer({ description: `${description} (Unix ms)` });

/** An instant as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
export const isoInstant = (description: string) => Type.String({ format: 'date-time', description });

export const nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });
