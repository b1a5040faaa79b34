import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LIST_PARAMETER_NAMES } from '../../src/findings/list-query.js';
import { typeboxValidatorCompiler } from '../../src/server/validation.js';

// Route schemas are the one definition of each request: the OpenAPI document shows them and every request is checked
// against them (src/server/validation.ts). Here: every route of the document declares its inputs, no route skips the
// check, and a violation is a 400 naming the parameter or the body's JSON pointer.

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

type Operation = {
  parameters?: Array<{ in: string; name: string; schema?: Record<string, unknown> }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};
type ErrorBody = { errors: Array<{ status: string; detail: string; source?: { parameter?: string; pointer?: string } }> };

/** Route files still judging their inputs by hand (none: every route follows this pattern). */
const NOT_YET_CONVERTED: string[] = [];

test('every route of the OpenAPI document declares its path parameters, and every write its body schema', async () => {
  const doc = (await (await s.api('/api/v2/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
  const problems: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(name!)) problems.push(`${method} ${path}: path parameter ${name} undeclared`);
      for (const p of op.parameters ?? [])
        if (!p.schema || Object.keys(p.schema).length === 0) problems.push(`${method} ${path}: parameter ${p.name} has no schema`);
      if (['post', 'put', 'patch'].includes(method)) {
        const schemas = Object.values(op.requestBody?.content ?? {}).map((c) => c.schema);
        if (schemas.length === 0 || schemas.some((x) => x === undefined)) problems.push(`${method} ${path}: no body schema`);
      }
    }
  }
  assert.deepEqual(problems, []);
  const list = doc.paths['/api/v2/posture_management/findings']!.get!;
  assert.deepEqual(
    list
      .parameters!.filter((p) => p.in === 'query')
      .map((p) => p.name)
      .sort(),
    [...LIST_PARAMETER_NAMES].sort(),
  );
  assert.deepEqual(list.parameters!.find((p) => p.name === 'filter[status]')!.schema, {
    type: 'string',
    enum: ['critical', 'high', 'medium', 'low', 'info'],
  });
});

test('no route file turns validation off', () => {
  const dir = new URL('../../src/server/routes/', import.meta.url);
  const offenders = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && !NOT_YET_CONVERTED.includes(f) && readFileSync(new URL(f, dir), 'utf8').includes('validatorCompiler'),
  );
  assert.deepEqual(offenders, []);
});

test('a route schema that is not a TypeBox type stops the app at start', async () => {
  const app = Fastify();
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.get('/plain', { schema: { querystring: { type: 'object', properties: { a: { type: 'string' } } } } }, async () => ({}));
  await assert.rejects(async () => app.ready(), /must be a TypeBox type/);
  await app.close();
});

const FINDINGS = '/api/v2/posture_management/findings';
const MUTE = '/api/v2/security/findings/mute';
const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const mute = (m: Record<string, unknown>, ids: unknown[] = [{ id: 'f1', type: 'findings' }]) => ({
  data: { type: 'mute', attributes: { mute: m }, relationships: { findings: { data: ids } } },
});

const OWNERSHIP = '/api/v2/csm/ownership';
const RESOURCE = encodeURIComponent('arn:aws:s3:::schema-bucket');
/** Past the router's parameter limit: the hidden wildcard twin answers, with the same schemas. */
const LONG_RESOURCE = encodeURIComponent(`arn:aws:s3:::${'l'.repeat(200)}`);
const feedback = (attributes: Record<string, unknown>) => ({ data: { type: 'ownership_feedback', attributes } });

const violations: Array<[string, string, string, RequestInit, number, { parameter?: string; pointer?: string }, RegExp]> = [
  ['unknown parameter', 'GET', `${FINDINGS}?sort=status`, {}, 400, { parameter: 'sort' }, /is not a parameter of this endpoint/],
  ['a name like a prototype', 'GET', `${FINDINGS}/summary?__proto__=1`, {}, 400, { parameter: '__proto__' }, /is not a parameter of this endpoint/],
  ['a name with a slash', 'GET', `${FINDINGS}?a%2Fb=1`, {}, 400, { parameter: 'a/b' }, /is not a parameter/],
  ['not an integer', 'GET', `${FINDINGS}?page[limit]=ten`, {}, 400, { parameter: 'page[limit]' }, /"ten" is not a non-negative integer/],
  [
    'past the exact integers',
    'GET',
    `${FINDINGS}?snapshot_timestamp=99999999999999999999`,
    {},
    400,
    { parameter: 'snapshot_timestamp' },
    /"99999999999999999999" is past the largest integer taken, 9007199254740991/,
  ],
  [
    'past the exact integers, by a schema',
    'GET',
    '/api/v2/security/findings/automation/mute_rules?page[number]=9007199254740993',
    {},
    400,
    { parameter: 'page[number]' },
    /"9007199254740993" is past the largest integer taken/,
  ],
  ['out of range', 'GET', `${FINDINGS}?limit=5000`, {}, 400, { parameter: 'limit' }, /between 1 and 1000/],
  ['not allowed', 'GET', `${FINDINGS}?filter[evaluation]=maybe`, {}, 400, { parameter: 'filter[evaluation]' }, /"maybe" is not one of pass, fail/],
  ['repeated', 'GET', `${FINDINGS}?filter[muted]=true&filter[muted]=false`, {}, 400, { parameter: 'filter[muted]' }, /given more than once/],
  [
    'summary snapshot',
    'GET',
    `${FINDINGS}/summary?snapshot_timestamp=soon`,
    {},
    400,
    { parameter: 'snapshot_timestamp' },
    /not a non-negative integer/,
  ],
  ['get: unknown parameter', 'GET', `${FINDINGS}/some-id?page[limit]=1`, {}, 400, { parameter: 'page[limit]' }, /is not a parameter/],
  ['mute: query', 'PATCH', `${MUTE}?dry_run=1`, json(mute({ is_muted: true, reason: 'OTHER' })), 400, { parameter: 'dry_run' }, /is not a parameter/],
  ['mute: not an object', 'PATCH', MUTE, json([]), 400, { pointer: '/' }, /must be an object/],
  ['mute: type', 'PATCH', MUTE, json({ data: { ...mute({}).data, type: 'unmute' } }), 400, { pointer: '/data/type' }, /must be "mute"/],
  [
    'mute: no findings',
    'PATCH',
    MUTE,
    json(mute({ is_muted: true, reason: 'OTHER' }, [])),
    400,
    { pointer: '/data/relationships/findings/data' },
    /at least 1 item/,
  ],
  [
    'mute: id',
    'PATCH',
    MUTE,
    json(mute({ is_muted: true, reason: 'OTHER' }, [{ type: 'findings' }])),
    400,
    { pointer: '/data/relationships/findings/data/0/id' },
    /is required/,
  ],
  [
    'mute: is_muted (a value: 422)',
    'PATCH',
    MUTE,
    json(mute({ is_muted: 'true', reason: 'OTHER' })),
    422,
    { pointer: '/data/attributes/mute/is_muted' },
    /must be a boolean/,
  ],
  [
    'mute: reason (a value: 422)',
    'PATCH',
    MUTE,
    json(mute({ is_muted: true, reason: 'BORED' })),
    422,
    { pointer: '/data/attributes/mute/reason' },
    /"BORED" is not one of PENDING_FIX/,
  ],
  [
    'mute: expire_at (a value: 422)',
    'PATCH',
    MUTE,
    json(mute({ is_muted: true, reason: 'OTHER', expire_at: '2030' })),
    422,
    { pointer: '/data/attributes/mute/expire_at' },
    /must be an integer \(or null\)/,
  ],
  ['resources: no data', 'POST', '/api/v2/csm/resources', json({}), 400, { pointer: '/data' }, /is required/],
  ['resources: empty', 'POST', '/api/v2/csm/resources', json({ data: [] }), 400, { pointer: '/data' }, /at least 1 item/],
  ['directory: not an object', 'PUT', '/api/v2/csm/directory', json(['hr']), 400, { pointer: '/' }, /must be an object/],
  [
    'ownership history: unknown parameter',
    'GET',
    `${OWNERSHIP}/${RESOURCE}/history?page=2`,
    {},
    400,
    { parameter: 'page' },
    /is not a parameter of this endpoint/,
  ],
  ['ownership history: limit 0', 'GET', `${OWNERSHIP}/${RESOURCE}/team/history?limit=0`, {}, 400, { parameter: 'limit' }, /between 1 and 100/],
  ['ownership history: limit 101', 'GET', `${OWNERSHIP}/${RESOURCE}/history?limit=101`, {}, 400, { parameter: 'limit' }, /between 1 and 100/],
  [
    'ownership history: limit text',
    'GET',
    `${OWNERSHIP}/${RESOURCE}/history?limit=ten`,
    {},
    400,
    { parameter: 'limit' },
    /"ten" is not a non-negative integer/,
  ],
  ['ownership inference: unknown parameter', 'GET', `${OWNERSHIP}/${RESOURCE}/team?limit=1`, {}, 400, { parameter: 'limit' }, /is not a parameter/],
  [
    'ownership wildcard history: unknown parameter',
    'GET',
    `${OWNERSHIP}/${LONG_RESOURCE}/team/history?page=2`,
    {},
    400,
    { parameter: 'page' },
    /is not a parameter/,
  ],
  [
    'ownership wildcard history: limit 0',
    'GET',
    `${OWNERSHIP}/${LONG_RESOURCE}/history?limit=0`,
    {},
    400,
    { parameter: 'limit' },
    /between 1 and 100/,
  ],
  [
    'ownership wildcard evidence: a query',
    'GET',
    `${OWNERSHIP}/${LONG_RESOURCE}/team/evidence?limit=5`,
    {},
    400,
    { parameter: 'limit' },
    /is not a parameter/,
  ],
  [
    'feedback: action',
    'POST',
    `${OWNERSHIP}/${RESOURCE}/team/feedback`,
    json(feedback({ action: 'approve', inference_checksum: 'c' })),
    400,
    { pointer: '/data/attributes/action' },
    /"approve" is not one of confirm, reject, correct, persist/,
  ],
  [
    'feedback: checksum',
    'POST',
    `${OWNERSHIP}/${RESOURCE}/team/feedback`,
    json(feedback({ action: 'confirm' })),
    400,
    { pointer: '/data/attributes/inference_checksum' },
    /is required/,
  ],
  [
    'feedback: type',
    'POST',
    `${OWNERSHIP}/${RESOURCE}/team/feedback`,
    json({ data: { type: 'feedback', attributes: { action: 'confirm', inference_checksum: 'c' } } }),
    400,
    { pointer: '/data/type' },
    /must be "ownership_feedback"/,
  ],
  [
    'feedback: reason',
    'POST',
    `${OWNERSHIP}/${RESOURCE}/team/feedback`,
    json(feedback({ action: 'reject', inference_checksum: 'c', reason: 7 })),
    400,
    { pointer: '/data/attributes/reason' },
    /must be a string/,
  ],
  [
    'feedback: owner type in the path',
    'POST',
    `${OWNERSHIP}/${RESOURCE}/robot/feedback`,
    json(feedback({ action: 'approve' })),
    400,
    { parameter: 'owner_type' },
    /"robot" is not one of team, user, service/,
  ],
  [
    'feedback (wildcard): action',
    'POST',
    `${OWNERSHIP}/${LONG_RESOURCE}/team/feedback`,
    json(feedback({ action: 'approve', inference_checksum: 'c' })),
    400,
    { pointer: '/data/attributes/action' },
    /is not one of/,
  ],
  ['feedback (wildcard): no data', 'POST', `${OWNERSHIP}/${LONG_RESOURCE}/team/feedback`, json({}), 400, { pointer: '/data' }, /is required/],
  [
    'settings: auto_tag',
    'POST',
    `${OWNERSHIP}/settings`,
    json({ data: { type: 'ownership_settings', attributes: { auto_tag: 'yes' } } }),
    400,
    { pointer: '/data/attributes/auto_tag' },
    /must be a boolean/,
  ],
  [
    'settings: confidence_level',
    'POST',
    `${OWNERSHIP}/settings`,
    json({ data: { attributes: { confidence_level: 'certain' } } }),
    400,
    { pointer: '/data/attributes/confidence_level' },
    /"certain" is not one of high, medium, low/,
  ],
  [
    'settings: no attributes',
    'POST',
    `${OWNERSHIP}/settings`,
    json({ data: { type: 'ownership_settings' } }),
    400,
    { pointer: '/data/attributes' },
    /is required/,
  ],
  [
    'preferences: not CSV',
    'PUT',
    '/api/v2/csm/ownership/settings/preferences',
    json({ csv: 'a,b' }),
    400,
    { pointer: '/' },
    /Send the preferences as text\/csv/,
  ],
];

// The upsert's schema documents its items and leaves each to the item parser, whose errors point into the item.
test('an upsert item that is not an object: 400 naming /data/0', async () => {
  const r = await s.api('/api/v2/csm/resources', { method: 'POST', ...json({ data: ['arn'] }) });
  const body = (await r.json()) as ErrorBody;
  assert.equal(r.status, 400, JSON.stringify(body));
  assert.deepEqual(body.errors[0]!.source, { pointer: '/data/0' });
  assert.match(body.errors[0]!.detail, /must be a JSON object/);
});

for (const [label, method, path, init, status, source, detail] of violations) {
  test(`schema violation (${label}): ${status} naming ${source.parameter ?? source.pointer}`, async () => {
    const r = await s.api(path, { method, ...init });
    const body = (await r.json()) as ErrorBody;
    assert.equal(r.status, status, JSON.stringify(body));
    assert.deepEqual(body.errors[0]!.source, source);
    assert.match(body.errors[0]!.detail, detail);
    assert.match(
      body.errors[0]!.detail,
      new RegExp(`^Invalid (parameter|body field) ${(source.parameter ?? source.pointer)!.replace(/[[\]/]/g, '\\$&')}: `),
    );
  });
}

test('a JSON body with a __proto__ or constructor.prototype key is refused as such, not as JSON that does not parse', async () => {
  const send = (body: string) => s.api(MUTE, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
  for (const body of ['{"__proto__":{"polluted":true}}', '{"data":{"constructor":{"prototype":{"polluted":true}}}}']) {
    const r = await send(body);
    const answer = (await r.json()) as ErrorBody;
    assert.equal(r.status, 400, body);
    assert.deepEqual(answer.errors[0]!.source, { pointer: '/' });
    assert.match(answer.errors[0]!.detail, /^The body holds a __proto__ or constructor\.prototype key, which is refused/, body);
  }
  const broken = (await (await send('{"a":')).json()) as ErrorBody;
  assert.match(broken.errors[0]!.detail, /not valid JSON/);
});

test('ownership: a path error is answered before the query or body; an unknown path under the wildcard is a 404', async () => {
  const bad = await s.api(`${OWNERSHIP}/${RESOURCE}/robot/history?limit=0`);
  assert.equal(bad.status, 400);
  assert.deepEqual(((await bad.json()) as ErrorBody).errors[0]!.source, { parameter: 'owner_type' });
  for (const [method, path, init] of [
    ['GET', `${OWNERSHIP}/${LONG_RESOURCE}/team/history/more?page=2`, {}],
    ['POST', `${OWNERSHIP}/${LONG_RESOURCE}/team/other`, json({})],
  ] as const) {
    const r = await s.api(path, { method, ...init });
    assert.equal(r.status, 404, `${method} ${path}: ${await r.text()}`);
  }
  const doc = (await (await s.api('/api/v2/openapi.json')).json()) as {
    paths: Record<
      string,
      Record<
        string,
        Operation & {
          requestBody: { content: Record<string, { schema: { properties: { data: { properties: { attributes: { properties: object } } } } } }> };
        }
      >
    >;
  };
  const attributes = (path: string) =>
    Object.keys(Object.values(doc.paths[path]!.post!.requestBody.content)[0]!.schema.properties.data.properties.attributes.properties).sort();
  assert.deepEqual(attributes(`${OWNERSHIP}/{resource_id}/{owner_type}/feedback`), [
    'action',
    'actor_handle',
    'actor_type',
    'corrected_owner_handle',
    'corrected_owner_type',
    'inference_checksum',
    'reason',
  ]);
  assert.deepEqual(attributes(`${OWNERSHIP}/settings`), ['auto_tag', 'confidence_level']);
  const history = doc.paths[`${OWNERSHIP}/{resource_id}/history`]!.get!;
  assert.deepEqual(
    history
      .parameters!.filter((p) => p.in === 'query')
      .map((p) => p.name)
      .sort(),
    ['cursor', 'limit'],
  );
});

test('values in the query string are taken exactly: 2.5 and 1e3 are not integers', async () => {
  for (const q of ['page[limit]=2.5', 'page[limit]=1e3', 'snapshot_timestamp=0x10']) {
    const r = await s.api(`${FINDINGS}?${q}`);
    assert.equal(r.status, 400, q);
  }
  const ok = await s.api(`${FINDINGS}?page[limit]=3&filter[tags]=env:prod&filter[tags]=team:a&filter[evaluation_changed_at]>=0`);
  assert.equal(ok.status, 200, await ok.text());
});
