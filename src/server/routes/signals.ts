import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { InvalidInput } from '../../errors.js';
import { parseDirectoryDocument } from '../../ingest/directory-document.js';
import { placedRecordsOf, toAuditEvent } from '../../ingest/cloudtrail.js';
import { importAuditEventBatch, importDirectory, importPreferences } from '../../ownership/signal-imports.js';
import { currentPreferences } from '../../store/preferences.js';
import { parseOrReject, pointerFromPlace, pointerFromSteps } from '../record-errors.js';
import { PREFERENCE_COLUMNS } from '../../ingest/preferences-csv.js';
import { BODY_ERRORS, describedObject, responses } from '../openapi-responses.js';
import { jsonAsIs } from '../export-reply.js';
import { NO_PARAMETERS } from '../validation.js';
import { utf8BodyParser } from '../input-checks.js';

const MAX_AUDIT_RECORDS = 10_000;

/** A JSON object with fields of its own: a CloudTrail record's parameters, an identity's session context. */
const openObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
const optionalText = (description: string) => Type.Optional(Type.Union([Type.String({ description }), Type.Null()]));
const handles = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description }));

/**
 * The directory document (src/ingest/directory-document.ts): the schema checks its shape; its parser then judges what a
 * schema cannot say (handles' characters once trimmed, unique handles and emails, memberships naming listed teams and
 * users, parents without cycles), its errors pointing into the document.
 */
const DIRECTORY_BODY = Type.Object(
  {
    source: Type.String({ minLength: 1, description: 'Names this directory among others (hr, okta, backstage): letters, digits and - _ .' }),
    teams: Type.Optional(
      Type.Array(
        Type.Object(
          {
            handle: Type.String({ minLength: 1, description: 'Unique: letters, digits and - _ . /' }),
            name: Type.Optional(Type.String({ minLength: 1, description: 'Defaults to the handle' })),
            parent: optionalText('A team handle listed under teams; no cycles'),
            members: handles('User handles listed under users'),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    users: Type.Optional(
      Type.Array(
        Type.Object(
          {
            handle: Type.String({ minLength: 1, description: 'Unique: letters, digits and - _ . @' }),
            email: optionalText('Unique when given'),
            name: optionalText('Display name'),
            active: Type.Optional(Type.Boolean({ description: 'false for people who have left (default true)' })),
            teams: handles('Team handles listed under teams'),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  {
    additionalProperties: false,
    description: "Replaces the source's whole directory. A membership may be written on the user (teams), on the team (members), or both.",
  },
);

/** The fields of a CloudTrail record the import reads; a record holds many more, kept as sent. */
const CLOUDTRAIL_RECORD = Type.Object(
  {
    eventName: Type.String({ description: 'The API call, e.g. CreateBucket (required)' }),
    eventSource: Type.String({ description: 'The service, e.g. s3.amazonaws.com (required)' }),
    eventTime: Type.String({ description: 'When the call was made, e.g. 2024-05-01T10:00:00Z (required)' }),
    eventID: Type.Optional(Type.String({ description: 'Derived from the record when missing, so that a re-import changes nothing' })),
    recipientAccountId: Type.Optional(Type.String()),
    awsRegion: Type.Optional(Type.String()),
    userIdentity: Type.Optional(openObject('Who made the call: type, arn, userName, principalId, accountId, sessionContext, ...')),
    userAgent: Type.Optional(Type.String()),
    sourceIPAddress: Type.Optional(Type.String()),
    errorCode: Type.Optional(Type.String({ description: 'A failed call changes no resource' })),
    requestParameters: Type.Optional(Type.Union([openObject('The call as made'), Type.Null()])),
    responseElements: Type.Optional(Type.Union([openObject('What the call returned'), Type.Null()])),
    resources: Type.Optional(Type.Array(openObject('ARN, type, accountId'))),
  },
  { additionalProperties: true },
);
const EVENTBRIDGE_EVENT = Type.Object(
  { 'detail-type': Type.String({ description: 'e.g. AWS API Call via CloudTrail' }), detail: CLOUDTRAIL_RECORD },
  { additionalProperties: true, description: 'An EventBridge event with the CloudTrail record under detail' },
);

// The body's parser (src/ingest/cloudtrail.ts) tells which of these forms a body is and judges each record, its errors
// pointing into the document (`/Records/3/eventTime`), where a union's check could only say that no form matched. So
// the schema documents the forms and leaves the check to the parser: TypeBox's Unknown checks nothing, whatever it says.
const AUDIT_EVENTS_BODY = Type.Unknown({
  description: 'A CloudTrail log file ({Records: [...]}), an array of records, one record, or an EventBridge envelope',
  anyOf: [
    Type.Object({ Records: Type.Array(CLOUDTRAIL_RECORD) }, { additionalProperties: true, description: 'A CloudTrail log file' }),
    Type.Array(Type.Union([CLOUDTRAIL_RECORD, EVENTBRIDGE_EVENT]), { description: 'An array of records' }),
    EVENTBRIDGE_EVENT,
    CLOUDTRAIL_RECORD,
  ],
});

const PREFERENCES_BODY = Type.String({
  description: "Datadog's 12-column ownership preferences CSV",
  'x-error-message': 'Send the preferences as text/csv.',
});

/** A JSON:API document of one import's result: its type, an id, and what it wrote. */
const importResult = (type: string, id: string, attributes: string) =>
  Type.Object(
    { data: Type.Object({ type: Type.Literal(type), id: Type.String({ description: id }), attributes: describedObject(attributes) }) },
    { description: 'What the import wrote' },
  );
const PREFERENCES_CSV = {
  description: "Datadog's 12-column ownership preferences CSV (only the header row when none were sent)",
  content: { 'text/csv': { schema: Type.String() } },
};

/** Ownership signals sent over HTTP: the team directory, CloudTrail records, the preferences CSV. */
export const signalRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer' },
    utf8BodyParser((_request, text, done) => done(null, text)),
  );

  app.put(
    '/api/v2/csm/directory',
    {
      config: { rateLimit: 'ownership' },
      serializerCompiler: jsonAsIs,
      schema: {
        summary: "Replace one source's team directory (users, teams, memberships)",
        operationId: 'replaceDirectory',
        querystring: NO_PARAMETERS,
        tags: ['Ownership signals'],
        body: DIRECTORY_BODY,
        response: responses({ 200: importResult('directory_import', 'The source', 'users, teams (written) and deactivated (users)') }, BODY_ERRORS),
      },
    },
    async (request) => {
      const doc = parseOrReject(
        () => parseDirectoryDocument(request.body),
        (e) => (e.place.startsWith('/') ? e.place : pointerFromPlace(e.place, e.field)),
      );
      const change = await ctx.db.transaction((tx) => importDirectory(tx, request.principal.orgId, doc, doc.source, Date.now()));
      return {
        data: {
          type: 'directory_import',
          id: doc.source,
          attributes: { users: change.users_written, teams: change.teams_written, deactivated: change.users_deactivated },
        },
      };
    },
  );

  app.post(
    '/api/v2/csm/audit_events',
    {
      config: { rateLimit: 'ownership' },
      serializerCompiler: jsonAsIs,
      schema: {
        summary: 'Import AWS CloudTrail records (a log file, an array, one record, or an EventBridge envelope)',
        operationId: 'importAuditEvents',
        querystring: NO_PARAMETERS,
        tags: ['Ownership signals'],
        body: AUDIT_EVENTS_BODY,
        response: responses(
          { 202: importResult('audit_event_import', 'The instant of the import (Unix ms)', 'How many records were read, kept and skipped') },
          BODY_ERRORS,
        ),
      },
    },
    async (request, reply) => {
      const events = parseOrReject(
        () => [...placedRecordsOf(request.body, 'body')].map((r) => toAuditEvent(r.record, r.place)),
        (e) => pointerFromSteps(e.place, 'body', e.field),
      );
      if (events.length > MAX_AUDIT_RECORDS)
        throw new InvalidInput(`At most ${MAX_AUDIT_RECORDS} records per request; use steward import cloudtrail for more.`, { pointer: '/' });
      const result = await importAuditEventBatch(ctx.db, request.principal.orgId, events);
      return reply.code(202).send({ data: { type: 'audit_event_import', id: String(Date.now()), attributes: result } });
    },
  );

  app.put<{ Body: Static<typeof PREFERENCES_BODY> }>(
    '/api/v2/csm/ownership/settings/preferences',
    {
      config: { rateLimit: 'ownership' },
      serializerCompiler: jsonAsIs,
      schema: {
        summary: 'Replace the ownership preferences (12-column CSV, all or nothing)',
        operationId: 'replaceOwnershipPreferences',
        querystring: NO_PARAMETERS,
        tags: ['Ownership'],
        consumes: ['text/csv'],
        body: PREFERENCES_BODY,
        response: responses(
          {
            200: importResult(
              'ownership_preferences',
              'The version in force',
              'The version in force, how many rows it holds, and whether the set changed (the same set re-infers nothing; the same text saves no new version)',
            ),
          },
          BODY_ERRORS,
        ),
      },
    },
    async (request, reply) => {
      const result = await ctx.db.transaction((tx) =>
        importPreferences(tx, request.principal.orgId, request.body, request.principal.userHandle, Date.now()),
      );
      return reply.code(200).send({ data: { type: 'ownership_preferences', id: String(result.version), attributes: result } });
    },
  );

  app.get(
    '/api/v2/csm/ownership/settings/preferences',
    {
      config: { rateLimit: 'ownership' },
      serializerCompiler: jsonAsIs,
      schema: {
        summary: 'The current ownership preferences as CSV',
        operationId: 'getOwnershipPreferences',
        querystring: NO_PARAMETERS,
        tags: ['Ownership'],
        response: responses({ 200: PREFERENCES_CSV }),
      },
    },
    async (request, reply) => {
      const current = await currentPreferences(ctx.db, request.principal.orgId);
      return reply.type('text/csv; charset=utf-8').send(current?.csv ?? PREFERENCE_COLUMNS.join(',') + '\n');
    },
  );
};
