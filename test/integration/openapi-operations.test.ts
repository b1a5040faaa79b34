import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PREFERENCE_COLUMNS } from '../../src/ingest/preferences-csv.js';
import { SEVERITIES } from '../../src/posture/resource.js';
import { markForInference } from '../../src/store/ownership-queue.js';
import { recomputeOnce } from '../../src/ownership/use-cases/recompute.js';
import { createBucketRecord } from '../helpers/cloudtrail-records.js';

// What the OpenAPI document says of each operation holds: the status a real request gets is one the operation
// declares, a JSON answer matches the declared schema of that status, every error is the shared JSON:API error document,
// each operation is named (the official client's name where the client has it), and the document lints clean.

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

type Schema = Record<string, unknown>;
interface Response {
  description: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, Response>;
}
interface Document {
  servers?: Array<{ url: string }>;
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}

async function documentText(): Promise<string> {
  const r = await fetch(`${s.url}/api/v2/openapi.json`);
  assert.equal(r.status, 200);
  return r.text();
}

function operationsOf(doc: Document): Array<{ key: string; method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op })),
  );
}

/** `METHOD /path` -> operation name, as the official client's api files make each request. */
function clientOperationNames(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const apis = join(dirname(require.resolve('@datadog/datadog-api-client')), 'packages/datadog-api-client-v2/apis');
  const names = new Map<string, string>();
  const request =
    /const localVarPath = "([^"]+)"[\s\S]*?getServer\("v2\.\w+\.(\w+)"\)\s*\.makeRequestContext\(localVarPath, http_1\.HttpMethod\.(\w+)\)/g;
  for (const file of readdirSync(apis).filter((f) => f.endsWith('Api.js'))) {
    for (const [, path, name, method] of readFileSync(join(apis, file), 'utf8').matchAll(request)) names.set(`${method} ${path}`, name!);
  }
  return names;
}

test('every operation has an operationId, unique, and the official client’s name where the client has the operation', async () => {
  const doc = JSON.parse(await documentText()) as Document;
  const client = clientOperationNames();
  assert.ok(client.size > 500, `the client's operations were read (${client.size})`);
  const operations = operationsOf(doc);
  assert.deepEqual(
    operations.filter(({ op }) => !op.operationId).map(({ key }) => key),
    [],
    'operations without an operationId',
  );
  const ids = operations.map(({ op }) => op.operationId);
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'operationIds used twice',
  );
  const named = operations.filter(({ key }) => client.has(key));
  assert.ok(named.length >= 40, `operations the client has: ${named.length}`);
  assert.deepEqual(
    named.filter(({ key, op }) => op.operationId !== client.get(key)).map(({ key, op }) => `${key}: ${op.operationId} (client: ${client.get(key)})`),
    [],
  );
  for (const { op } of operations) assert.match(op.operationId!, /^[a-z][A-Za-z0-9]*$/, 'camelCase');
});

test('the document lints clean under Redocly’s recommended rules, and says where it is served', async () => {
  const text = await documentText();
  const doc = JSON.parse(text) as Document;
  assert.deepEqual(doc.servers, [{ url: '/', description: 'The server this document is served from' }]);
  const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] }) });
  // An operation this release does not serve answers only 501: declaring a success it never gives would be false.
  const notServed = (pointer: string) => {
    const [, path, method] = /^#\/paths\/([^/]+)\/(\w+)\/responses$/.exec(pointer) ?? [];
    return path !== undefined && doc.paths[path.replace(/~1/g, '/')]?.[method!]?.responses['501'] !== undefined;
  };
  const left = problems.filter((p) => !(p.ruleId === 'operation-2xx-response' && notServed(p.location[0]?.pointer ?? '')));
  assert.deepEqual(
    left.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`),
    [],
  );
});

test('every error answer declared is the one shared JSON:API error document, and every operation declares its errors', async () => {
  const doc = JSON.parse(await documentText()) as Document;
  assert.ok(doc.components.schemas?.JsonApiErrors, 'a JsonApiErrors component schema');
  const errors = doc.components.schemas.JsonApiErrors as { properties: { errors: { items: { required: string[] } } } };
  assert.deepEqual(errors.properties.errors.items.required, ['status', 'code', 'title', 'detail']);
  const problems: string[] = [];
  for (const { key, op } of operationsOf(doc)) {
    const statuses = Object.keys(op.responses);
    for (const status of ['400', '401', '403', '429']) if (!statuses.includes(status)) problems.push(`${key}: no ${status}`);
    for (const status of statuses.filter((c) => Number(c) >= 400)) {
      const schema = op.responses[status]!.content?.['application/json']?.schema;
      if (schema?.$ref !== '#/components/schemas/JsonApiErrors') problems.push(`${key} ${status}: ${JSON.stringify(schema)}`);
    }
    const success = statuses.filter((c) => /^2/.test(c));
    if (success.length === 0 && !statuses.includes('501')) problems.push(`${key}: no success and not a 501`);
    for (const status of success.filter((c) => c !== '204')) {
      if (!op.responses[status]!.content) problems.push(`${key} ${status}: no body schema`);
    }
  }
  assert.deepEqual(problems, []);
});

// A real request for each operation, in the document's order: the resource is sent first, a rule is created before it
// is read, reordered and deleted, an inference is read before feedback is sent on it. The ids these answers name are
// used by the requests after them (`seen`).
const BUCKET = 'arn:aws:s3:::openapi-operations-bucket';
const created = new Map<string, string>();
const seen = { findingId: 'no-such-finding', coverageRuleId: 'no-such-rule', checksum: 'stale' };
type Answer = { data: { id: string; attributes: { checksum: string } } | Array<{ id: string }> };
/** The answers whose ids later requests use. */
const REMEMBERED: Record<string, (body: Answer) => void> = {
  'GET /api/v2/posture_management/findings': (body) => void (seen.findingId = (body.data as Array<{ id: string }>)[0]!.id),
  'GET /api/v2/csm/rules/coverage': (body) => void (seen.coverageRuleId = (body.data as Array<{ id: string }>)[0]!.id),
  'GET /api/v2/csm/ownership/{resource_id}/{owner_type}': (body) =>
    void (seen.checksum = (body.data as { attributes: { checksum: string } }).attributes.checksum),
};
const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const ruleBody = (type: string, action: unknown) =>
  json({ data: { type, attributes: { name: `openapi ${type}`, enabled: false, rule: { finding_types: ['misconfiguration'] }, action } } });
const RULE_ACTIONS: Record<string, unknown> = {
  mute_rules: { reason: 'risk_accepted' },
  severity_modifier_rules: { type: 'set', severity: 'low' },
  due_date_rules: { due_from: 'first_seen', due_days_per_severity: [{ severity: 'high', due_in_days: 30 }] },
};
const ruleType = (path: string) => /\/automation\/(\w+_rules)/.exec(path)?.[1] ?? '';

function bodyFor(method: string, path: string): RequestInit {
  const type = ruleType(path);
  if (type in RULE_ACTIONS && path.endsWith('/reorder')) return json({ data: [{ id: created.get(type), type }] });
  if (type in RULE_ACTIONS && (method === 'POST' || method === 'PUT')) return ruleBody(type, RULE_ACTIONS[type]);
  if (type !== '') return method === 'GET' || method === 'DELETE' ? {} : json({});
  return BODIES[`${method} ${path}`]?.() ?? {};
}

const BODIES: Record<string, () => RequestInit> = {
  'POST /api/v2/csm/resources': () =>
    json({
      data: [
        {
          type: 'cloud_resource',
          id: BUCKET,
          attributes: { resource_type: 'aws_s3_bucket', cloud_provider: 'aws', tags: ['team:payments'], configuration: {}, observed_at: null },
        },
      ],
    }),
  'POST /api/v2/security/findings/search': () => json({ data: { attributes: { filter: '@severity:high', page: { limit: 5 } } } }),
  'PATCH /api/v2/security/findings/mute': () =>
    json({
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: true, reason: 'RISK_ACCEPTED' } },
        relationships: { findings: { data: [{ id: seen.findingId, type: 'findings' }] } },
      },
    }),
  'POST /api/v2/csm/ownership/settings': () => json({ data: { type: 'ownership_settings', attributes: { auto_tag: false } } }),
  'POST /api/v2/csm/ownership/{resource_id}/{owner_type}/feedback': () =>
    json({ data: { type: 'ownership_feedback', attributes: { action: 'confirm', inference_checksum: seen.checksum } } }),
  'PUT /api/v2/csm/directory': () => json({ source: 'hr', teams: [{ handle: 'payments' }] }),
  'POST /api/v2/csm/audit_events': () => json(createBucketRecord('123456789012', 'jane', 'openapi-operations-bucket')),
  'PUT /api/v2/csm/ownership/settings/preferences': () => ({ body: `${PREFERENCE_COLUMNS.join(',')}\n`, headers: { 'content-type': 'text/csv' } }),
};

function concretePath(path: string): string {
  const values: Record<string, string> = {
    resource_id: BUCKET,
    finding_id: seen.findingId,
    owner_type: 'team',
    handle: 'payments',
    rule_id: path.startsWith('/api/v2/csm/rules/') ? seen.coverageRuleId : (created.get(ruleType(path)) ?? 'no-such-rule'),
  };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? name));
}

/** RFC 3339, as Date.prototype.toISOString writes it and as an offset. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks answers against OpenAPI 3.0 schemas: `nullable` is Ajv's own keyword; descriptions and the like are not
 * checked (not strict); `date-time` is the one format the document uses.
 */
function documentAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: false, formats: { 'date-time': DATE_TIME } });
}

/** The declared schema of a JSON answer, with the document's components beside it so that its references resolve. */
function declaredSchema(doc: Document, response: Response | undefined): Schema | undefined {
  const schema = response?.content?.['application/json']?.schema;
  return schema && { ...schema, components: doc.components };
}

test('every operation answers a real request with a status it declares, and a JSON answer of the declared shape', async () => {
  const doc = JSON.parse(await documentText()) as Document;
  const ajv = documentAjv();
  const problems: string[] = [];
  const answered = new Map<string, number>();
  for (const { key, method, path, op } of operationsOf(doc)) {
    const r = await s.api(concretePath(path), { method, ...bodyFor(method, path) });
    const text = await r.text();
    answered.set(key, r.status);
    if (method === 'POST' && r.status === 201 && ruleType(path) in RULE_ACTIONS) created.set(ruleType(path), JSON.parse(text).data.id);
    if (r.status === 200) REMEMBERED[key]?.(JSON.parse(text) as Answer);
    const declared = op.responses[String(r.status)];
    if (!declared) {
      problems.push(`${key}: answered ${r.status}, declares ${Object.keys(op.responses).join(', ')}: ${text.slice(0, 200)}`);
      continue;
    }
    const schema = declaredSchema(doc, declared);
    if (!schema || !/^application\/json/.test(r.headers.get('content-type') ?? '')) continue;
    const validate = ajv.compile(schema);
    if (!validate(JSON.parse(text))) problems.push(`${key} ${r.status}: ${ajv.errorsText(validate.errors)}: ${text.slice(0, 300)}`);
  }
  assert.deepEqual(problems, []);
  // The table reaches every operation's success (or its 501), not only errors: each declared shape was checked.
  assert.deepEqual(
    [...answered].filter(([, status]) => status >= 300 && status !== 501).map(([key, status]) => `${key}: ${status}`),
    [],
  );
  const rules = '/api/v2/security/findings/automation';
  assert.deepEqual(
    [`POST ${rules}/mute_rules`, `DELETE ${rules}/mute_rules/{rule_id}`, 'PATCH /api/v2/security/findings/mute', 'POST /api/v2/csm/audit_events'].map(
      (key) => answered.get(key),
    ),
    [201, 204, 202, 202],
  );
});

// States the table above does not reach, answered by operations it asks once: a muted finding (in the detailed listing,
// the detail, the beta envelope), a tie between two teams, an answer a review corrected and the history that holds the
// review, an inference that could not be computed, a record whose evidence is a directory entry, users with and
// without an email, a team's page. Its teams are its own: the table's confirm taught the payments tag, which would
// break the tie.
const TIE_BUCKET = 'arn:aws:s3:::openapi-states-tie';
const USER_BUCKET = 'arn:aws:s3:::openapi-states-owned';
/** Known only by its id (marked for inference, not in the inventory): its inference fails. */
const GHOST_BUCKET = 'arn:aws:s3:::openapi-states-ghost';
const DIRECTORY = {
  source: 'openapi-states',
  teams: [{ handle: 'ledger', name: 'Ledger' }, { handle: 'treasury' }],
  users: [
    { handle: 'jane', email: 'jane@acme.example', name: 'Jane', teams: ['ledger'] },
    { handle: 'bob', active: false },
  ],
};
/** A user's mute of one finding, described, for a day. */
const dayMute = (findingId: string, reason: string) =>
  json({
    data: {
      type: 'mute',
      attributes: { mute: { is_muted: true, reason, description: 'openapi states', expire_at: Date.now() + 86_400_000 } },
      relationships: { findings: { data: [{ id: findingId, type: 'findings' }] } },
    },
  });
const bucketItem = (id: string, tags: string[]) => ({
  type: 'cloud_resource',
  id,
  attributes: { resource_type: 'aws_s3_bucket', cloud_provider: 'aws', tags, configuration: { private_ip_address: '10.0.0.7' } },
});

/**
 * Real requests to operations, each `METHOD /template` at a concrete path: a success, checked against its declared
 * schema; what is wrong is collected in `problems`.
 */
async function checkedAnswers() {
  const doc = JSON.parse(await documentText()) as Document;
  const ajv = documentAjv();
  const problems: string[] = [];
  const answer = async (key: string, path: string, init: RequestInit = {}) => {
    const [method, template] = key.split(' ') as [string, string];
    const r = await s.api(path, { method, ...init });
    const text = await r.text();
    const schema = declaredSchema(doc, doc.paths[template]?.[method.toLowerCase()]?.responses[String(r.status)]);
    if (r.status >= 300 || !schema) problems.push(`${key} (${path}): answered ${r.status}: ${text.slice(0, 200)}`);
    else {
      const validate = ajv.compile(schema);
      if (!validate(JSON.parse(text))) problems.push(`${key} (${path}) ${r.status}: ${ajv.errorsText(validate.errors)}`);
    }
    return (r.status < 300 && text ? JSON.parse(text) : {}) as any;
  };
  return { answer, problems };
}

test('the declared shapes hold in the states the table above does not reach', async () => {
  const { answer, problems } = await checkedAnswers();
  const tie = encodeURIComponent(TIE_BUCKET);
  const findings = '/api/v2/posture_management/findings';
  const ownership = '/api/v2/csm/ownership';

  await answer('PUT /api/v2/csm/directory', '/api/v2/csm/directory', json(DIRECTORY));
  await answer(
    'POST /api/v2/csm/resources',
    '/api/v2/csm/resources',
    json({ data: [bucketItem(TIE_BUCKET, ['team:ledger', 'team:treasury']), bucketItem(USER_BUCKET, ['owner:jane'])] }),
  );
  const failing = await answer(`GET ${findings}`, `${findings}?filter[@resource_id]=${tie}&filter[evaluation]=fail&page[limit]=1`);
  const findingId: string = failing.data[0].id;
  await answer('PATCH /api/v2/security/findings/mute', '/api/v2/security/findings/mute', dayMute(findingId, 'RISK_ACCEPTED'));
  const detailed = await answer(`GET ${findings}`, `${findings}?filter[@resource_id]=${tie}&filter[muted]=true&detailed_findings=true`);
  const detail = await answer(`GET ${findings}/{finding_id}`, `${findings}/${encodeURIComponent(findingId)}`);
  const beta = await answer('GET /api/unstable/posture_management/findings', `/api/unstable/posture_management/findings?filter[muted]=true`);
  await answer(
    'GET /api/unstable/posture_management/findings/{finding_id}',
    `/api/unstable/posture_management/findings/${encodeURIComponent(findingId)}`,
  );
  const summary = await answer(`GET ${findings}/summary`, `${findings}/summary`);

  const tied = await answer(`GET ${ownership}/{resource_id}/{owner_type}`, `${ownership}/${tie}/team`);
  await answer(
    `POST ${ownership}/{resource_id}/{owner_type}/feedback`,
    `${ownership}/${tie}/team/feedback`,
    json({
      data: {
        type: 'ownership_feedback',
        attributes: {
          action: 'correct',
          inference_checksum: tied.data?.attributes.checksum,
          corrected_owner_handle: 'treasury',
          corrected_owner_type: 'team',
          reason: 'openapi states',
        },
      },
    }),
  );
  const history = await answer(`GET ${ownership}/{resource_id}/history`, `${ownership}/${tie}/history`);
  await answer(`GET ${ownership}/{resource_id}/{owner_type}/history`, `${ownership}/${tie}/team/history?limit=1`);
  await markForInference(s.server.db, s.orgId, [GHOST_BUCKET], Date.now());
  await recomputeOnce(s.server.db, { orgId: s.orgId });
  const failed = await answer(`GET ${ownership}/{resource_id}/{owner_type}/history`, `${ownership}/${encodeURIComponent(GHOST_BUCKET)}/team/history`);
  await answer(`GET ${ownership}/{resource_id}`, `${ownership}/${encodeURIComponent(USER_BUCKET)}`);
  const evidence = await answer(
    `GET ${ownership}/{resource_id}/{owner_type}/evidence`,
    `${ownership}/${encodeURIComponent(USER_BUCKET)}/team/evidence`,
  );
  const directory = await answer('GET /api/v2/csm/directory', '/api/v2/csm/directory');
  await answer('GET /api/v2/csm/directory/owners', '/api/v2/csm/directory/owners');
  await answer('GET /api/v2/csm/directory/owners', '/api/v2/csm/directory/owners?filter[owner_type]=service');
  const owner = await answer('GET /api/v2/csm/directory/owners/{owner_type}/{handle}', '/api/v2/csm/directory/owners/team/treasury');
  assert.deepEqual(problems, []);

  // Each state was reached, so its fields were checked.
  assert.equal(detailed.data[0].attributes.mute.reason, 'ACCEPTED_RISK');
  assert.deepEqual(detailed.data[0].attributes.ip_addresses, ['10.0.0.7']);
  assert.equal(detail.data.attributes.mute.muted, true);
  assert.ok(beta.data.attributes.findings.some((f: { muted: boolean }) => f.muted));
  assert.ok(summary.data.attributes.top_teams_failing.length > 0);
  assert.deepEqual(tied.data.attributes.sources[0].co_owners, ['ledger', 'treasury']);
  assert.equal(history.data.attributes.items[0].review.action, 'correct');
  assert.equal(history.data.attributes.items[0].sources[0].type, 'review');
  assert.deepEqual(
    Object.keys(failed.data.attributes.items[0]).filter((k) => /^(fail|retry)/.test(k)),
    ['failed_at', 'failure_reason', 'retry_schedule'],
  );
  assert.ok(evidence.data.attributes.evidence_versions.some((v: { source: string }) => v.source === 'directory'));
  assert.ok(directory.data.attributes.users.some((u: { email?: string }) => u.email === 'jane@acme.example'));
  assert.equal(owner.data.attributes.answers[0].status, 'overridden');
});

// The Security Findings answers in the states the table does not reach: a finding muted by a user and one muted by a
// mute rule, one a severity modifier rule and a due date rule changed, findings with owners, with an account and a
// rule message, a page with links.next and the page it leads to, a search continued by its cursor. Its buckets are
// its own, and its rules select only the one bucket.
const SECURITY_BUCKET = 'arn:aws:s3:::openapi-states-security';
const RULED_BUCKET = 'arn:aws:s3:::openapi-states-ruled';
const byResource = (id: string) => `@resource_id:"${id}"`;
const listingOf = (id: string, more = '') => `/api/v2/security/findings?filter[query]=${encodeURIComponent(byResource(id))}${more}`;

test('the Security Findings answers hold in the states one request does not reach', async () => {
  const { answer, problems } = await checkedAnswers();
  const list = 'GET /api/v2/security/findings';
  const search = 'POST /api/v2/security/findings/search';
  const rules = '/api/v2/security/findings/automation';
  const located = (id: string) => {
    const item = bucketItem(id, ['team:ledger']);
    return { ...item, attributes: { ...item.attributes, account: '123456789012' } };
  };

  await answer('POST /api/v2/csm/resources', '/api/v2/csm/resources', json({ data: [located(SECURITY_BUCKET), located(RULED_BUCKET)] }));
  await recomputeOnce(s.server.db, { orgId: s.orgId });

  const first = await answer(list, listingOf(SECURITY_BUCKET, '&page[limit]=1'));
  const next = new URL(first.links.next);
  const second = await answer(list, `${next.pathname}${next.search}`);
  const unmuted = await answer(list, listingOf(SECURITY_BUCKET));
  const open = unmuted.data.find((f: any) => f.attributes.attributes.status === 'open');
  await answer('PATCH /api/v2/security/findings/mute', '/api/v2/security/findings/mute', dayMute(open.id, 'PENDING_FIX'));
  const scope = { finding_types: ['misconfiguration'], query: byResource(RULED_BUCKET) };
  // Due whatever the severity the modifier leaves, so that the due date is set.
  const dueDays = SEVERITIES.map((severity) => ({ severity, due_in_days: 30 }));
  const actions = { ...RULE_ACTIONS, due_date_rules: { due_from: 'first_seen', due_days_per_severity: dueDays } };
  for (const [type, action] of Object.entries(actions)) {
    const body = json({ data: { type, attributes: { name: `openapi states ${type}`, enabled: true, rule: scope, action } } });
    await answer(`POST ${rules}/${type}`, `${rules}/${type}`, body);
  }
  const security = await answer(list, listingOf(SECURITY_BUCKET));
  const ruled = await answer(list, listingOf(RULED_BUCKET));

  const searchBody = (page: Record<string, unknown>) => json({ data: { attributes: { filter: byResource(SECURITY_BUCKET), page } } });
  const searched = await answer(search, '/api/v2/security/findings/search', searchBody({ limit: 1 }));
  const continued = await answer(search, '/api/v2/security/findings/search', searchBody({ limit: 1, cursor: searched.meta.page.after }));
  assert.deepEqual(problems, []);

  // Each state was reached, so its fields were checked.
  type Fields = Record<string, any>;
  const fields = (page: { data: Array<{ attributes: { attributes: Fields } }> }) => page.data.map((f) => f.attributes.attributes);
  assert.ok(first.meta.page.after && second.data.length === 1 && second.data[0].id !== first.data[0].id);
  assert.ok(searched.links.next && continued.data[0].id !== searched.data[0].id);
  const byUser = fields(security).find((f) => f.workflow.mute.is_muted);
  assert.equal(byUser?.workflow.mute.is_muted_by_rule, false);
  assert.deepEqual(Object.keys(byUser?.workflow.mute.muted_by ?? {}), ['id', 'name']);
  assert.ok(byUser?.workflow.mute.expire_at > Date.now());
  const byRule = fields(ruled).find((f) => f.workflow.mute.is_muted_by_rule);
  assert.ok(byRule?.workflow.due_date && byRule.severity === 'low');
  assert.deepEqual(
    byRule?.workflow.automations.rules.map((r: { type: string }) => r.type),
    ['severity_modifier', 'due_date'],
  );
  assert.ok(fields(security).some((f) => f.owner?.team === 'ledger' && typeof f.owner.team_confidence === 'number'));
  assert.ok(fields(security).every((f) => f.cloud_resource.account?.account_id === '123456789012' && f.first_seen_at > 0));
  assert.ok(fields(security).some((f) => typeof f.description === 'string'));
});
