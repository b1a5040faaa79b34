import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDirectoryDocument } from '../../src/ingest/directory-document.js';
import { RecordError } from '../../src/posture/resource.js';

const DOCUMENT = {
  source: 'hr',
  users: [
    { handle: 'jane.doe', email: 'jane.doe@example.com', name: 'Jane Doe', teams: ['payments'] },
    { handle: 'sam', email: 'sam@example.com', active: false },
    { handle: 'li' },
  ],
  teams: [
    { handle: 'engineering', name: 'Engineering' },
    { handle: 'payments', name: 'Payments', parent: 'engineering', members: ['sam', 'jane.doe'] },
  ],
};

test('a directory document: users, teams, parents, memberships from both sides', () => {
  const directory = parseDirectoryDocument(DOCUMENT);
  assert.equal(directory.source, 'hr');
  assert.deepEqual(directory.users, [
    { handle: 'jane.doe', email: 'jane.doe@example.com', display_name: 'Jane Doe', active: true, teams: ['payments'] },
    { handle: 'sam', email: 'sam@example.com', active: false, teams: ['payments'] },
    { handle: 'li', active: true, teams: [] },
  ]);
  assert.deepEqual(directory.teams, [
    { handle: 'engineering', name: 'Engineering', members: [] },
    { handle: 'payments', name: 'Payments', parent: 'engineering', members: ['jane.doe', 'sam'] },
  ]);
  assert.equal(parseDirectoryDocument({ source: 'okta', teams: [{ handle: 'ops' }] }).teams[0].name, 'ops');
});

function rejects(document: unknown, pointer: string, reason?: RegExp) {
  assert.throws(
    () => parseDirectoryDocument(document),
    (e: unknown) => e instanceof RecordError && e.place === pointer && (!reason || reason.test(e.reason)),
  );
}

test('errors name the JSON pointer of the bad value', () => {
  const users = (...list: unknown[]) => ({ ...DOCUMENT, users: list });
  rejects([], '/');
  rejects({ users: [] }, '/source');
  rejects(users(DOCUMENT.users[0], DOCUMENT.users[1], { handle: 'x' }, { handle: 'y', email: 'not-an-email' }), '/users/3/email', /email/);
  rejects(users({ handle: 'a', email: 'A@example.com' }, { handle: 'b', email: 'a@example.com' }), '/users/1/email', /duplicates/);
  rejects(users({ handle: 'a' }, { handle: 'a' }), '/users/1/handle', /duplicates/);
  // Handles name owners without case: `Dave` and `dave` are one user (the store's key), `Payments` and `payments` one team.
  rejects(
    users({ handle: 'Dave' }, { handle: 'dave' }),
    '/users/1/handle',
    /^duplicates the user of \/users\/0 \(handles are compared without case\)$/,
  );
  rejects(
    { source: 'hr', teams: [{ handle: 'Payments' }, { handle: 'payments' }] },
    '/teams/1/handle',
    /^duplicates the team of \/teams\/0 \(handles/,
  );
  rejects(users({ handle: 'has space' }), '/users/0/handle');
  rejects(users({ handle: 'a', active: 'yes' }), '/users/0/active');
  rejects(users({ handle: 'a', teams: ['nowhere'] }), '/users/0/teams/0', /unknown team/);
  rejects(users({ handle: 'a', mail: 'a@example.com' }), '/users/0/mail', /unknown field/);
  rejects({ source: 'hr', teams: [{ handle: 't', members: ['ghost'] }] }, '/teams/0/members/0', /unknown user/);
  rejects({ source: 'hr', teams: [{ handle: 't', parent: 'nope' }] }, '/teams/0/parent', /unknown team/);
  rejects(
    {
      source: 'hr',
      teams: [
        { handle: 'a', parent: 'b' },
        { handle: 'b', parent: 'a' },
      ],
    },
    '/teams/0/parent',
    /loops/,
  );
  rejects({ source: 'hr', teams: 'all' }, '/teams');
});
