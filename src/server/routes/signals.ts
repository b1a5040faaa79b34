import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { InvalidInput } from '../../errors.js';
import { parseDirectoryDocument } from '../../ingest/directory-document.js';
import { recordsOf, toAuditEvent } from '../../ingest/cloudtrail.js';
import { importAuditEvents, importDirectory, importPreferences } from '../../ownership/signal-imports.js';
import { currentPreferences } from '../../store/preferences.js';
import { parseOrReject, pointerFromPlace } from '../record-errors.js';
import { PREFERENCE_COLUMNS } from '../../ingest/preferences-csv.js';

const MAX_AUDIT_RECORDS = 10_000;

// The documents' own parsers judge their fields (their errors point into the document); the schemas take the envelope.
const DIRECTORY_BODY = Type.Object({}, { description: 'A directory document: {source, users, teams, memberships}' });
const AUDIT_EVENTS_BODY = Type.Unknown({
  description: 'A CloudTrail log file ({Records: [...]}), an array of records, one record, or an EventBridge envelope',
});
const PREFERENCES_BODY = Type.String({
  description: "Datadog's 12-column ownership preferences CSV",
  'x-error-message': 'Send the preferences as text/csv.',
});

/** Ownership signals sent over HTTP: the team directory, CloudTrail records, the preferences CSV. */
export const signalRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.put(
    '/api/v2/csm/directory',
    {
      config: { rateLimit: 'ownership' },
      schema: { summary: "Replace one source's team directory (users, teams, memberships)", tags: ['Ownership signals'], body: DIRECTORY_BODY },
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
      schema: {
        summary: 'Import AWS CloudTrail records (a log file, an array, one record, or an EventBridge envelope)',
        tags: ['Ownership signals'],
        body: AUDIT_EVENTS_BODY,
      },
    },
    async (request, reply) => {
      const events = parseOrReject(
        () => [...recordsOf(request.body, 'body')].map((r, i) => toAuditEvent(r, `body[${i}]`)),
        (e) => pointerFromPlace(e.place.replace(/^body/, ''), e.field) || '/',
      );
      if (events.length > MAX_AUDIT_RECORDS)
        throw new InvalidInput(`At most ${MAX_AUDIT_RECORDS} records per request; use steward import cloudtrail for more.`, { pointer: '/' });
      const result = await ctx.db.transaction((tx) => importAuditEvents(tx, request.principal.orgId, events, Date.now()));
      return reply.code(202).send({ data: { type: 'audit_event_import', id: String(Date.now()), attributes: result } });
    },
  );

  app.put<{ Body: Static<typeof PREFERENCES_BODY> }>(
    '/api/v2/csm/ownership/settings/preferences',
    {
      config: { rateLimit: 'ownership' },
      schema: {
        summary: 'Replace the ownership preferences (12-column CSV, all or nothing)',
        tags: ['Ownership'],
        consumes: ['text/csv'],
        body: PREFERENCES_BODY,
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
    { config: { rateLimit: 'ownership' }, schema: { summary: 'The current ownership preferences as CSV', tags: ['Ownership'] } },
    async (request, reply) => {
      const current = await currentPreferences(ctx.db, request.principal.orgId);
      return reply.type('text/csv; charset=utf-8').send(current?.csv ?? PREFERENCE_COLUMNS.join(',') + '\n');
    },
  );
};
