import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import Fastify, { type RouteOptions } from 'fastify';
import { validate } from '@readme/openapi-parser';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { routeFamilies } from '../../src/server/routes/index.js';
import { typeboxValidatorCompiler } from '../../src/server/validation.js';
import { addSharedSchemas } from '../../src/server/openapi-responses.js';
import type { AppContext } from '../../src/server/context.js';

// GET /api/v2/openapi.json is public (tools fetch it without keys) and complete: every operation of the app, every
// request body with the shape it takes, every parameter with its schema, in a valid OpenAPI 3 document.

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function anonymousDocument(): Promise<Document> {
  const r = await fetch(`${s.url}/api/v2/openapi.json`);
  assert.equal(r.status, 200, await r.clone().text());
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  return (await r.json()) as Document;
}

/** The routes every route family declares, read as they are added (the running server's are not listed anywhere). */
async function appRoutes(): Promise<RouteOptions[]> {
  const app = Fastify();
  app.setValidatorCompiler(typeboxValidatorCompiler);
  addSharedSchemas(app);
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  for (const family of routeFamilies) await app.register(family, {} as AppContext);
  await app.ready();
  await app.close();
  return routes;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

test('the document is served without keys, and keys are not looked at', async () => {
  const doc = await anonymousDocument();
  assert.match(doc.openapi, /^3\./);
  const withBadKeys = await fetch(`${s.url}/api/v2/openapi.json`, {
    headers: { 'DD-API-KEY': 'f'.repeat(32), 'DD-APPLICATION-KEY': 'f'.repeat(40) },
  });
  assert.equal(withBadKeys.status, 200);
});

test('every operation of the app is in the document, and every operation of the document is a route', async () => {
  const doc = await anonymousDocument();
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
  const routes = await appRoutes();
  const operations = new Set<string>();
  for (const route of routes) {
    // Hidden: the probes, the console and this reference, the document itself, and the wildcard twins of documented
    // routes (ids longer than the router's parameter limit), which take the same requests.
    if ((route.schema as { hide?: boolean } | undefined)?.hide) continue;
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    for (const method of [route.method].flat()) if (method !== 'HEAD') operations.add(`${method} ${path}`);
  }
  assert.ok(operations.size >= 15, `the app's operations: ${[...operations].join(', ')}`);
  assert.deepEqual([...operations].filter((op) => !documented.has(op)).sort(), [], 'operations missing from the document');
  assert.deepEqual([...documented].filter((op) => !operations.has(op)).sort(), [], 'documented operations that are no route');
});

/** Where a schema says nothing: a bare object, an array without items, a value without a type. */
function vagueParts(schema: Schema | undefined, at: string): string[] {
  if (!schema || typeof schema !== 'object') return [`${at}: no schema`];
  const alternatives = ['anyOf', 'oneOf', 'allOf'].flatMap((k) => (schema[k] as Schema[] | undefined) ?? []);
  if (alternatives.length > 0) return alternatives.flatMap((alt, i) => vagueParts(alt, `${at}|${i}`));
  // OpenAPI 3.0 has no null type: null, beside other members of a union, is `{type: object, nullable, enum: [null]}`.
  if (schema.nullable === true && Array.isArray(schema.enum)) return [];
  if (schema.type === 'object') {
    const properties = Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {});
    // An object open to any field says so, and says what it is (a CloudTrail record's request parameters).
    const open = schema.additionalProperties === true && typeof schema.description === 'string';
    const pattern = schema.patternProperties !== undefined || typeof schema.additionalProperties === 'object';
    if (properties.length === 0 && !open && !pattern) return [`${at}: a bare object`];
    return properties.flatMap(([name, property]) => vagueParts(property, `${at}/${name}`));
  }
  if (schema.type === 'array') return schema.items ? vagueParts(schema.items as Schema, `${at}[]`) : [`${at}: an array without items`];
  if (schema.type === undefined && schema.enum === undefined) return [`${at}: no type`];
  return [];
}

test('every request body has a schema of its real shape, and every parameter a schema', async () => {
  const doc = await anonymousDocument();
  const problems: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const name = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) {
        if (!p.schema || Object.keys(p.schema).length === 0) problems.push(`${name}: parameter ${p.in} ${p.name} has no schema`);
      }
      if (!['post', 'put', 'patch'].includes(method)) continue;
      const bodies = Object.entries(op.requestBody?.content ?? {});
      if (bodies.length === 0) problems.push(`${name}: no request body`);
      for (const [type, { schema }] of bodies) problems.push(...vagueParts(schema, `${name} ${type}`));
    }
  }
  assert.deepEqual(problems, []);
});

test('the document is valid OpenAPI 3', async () => {
  const doc = await anonymousDocument();
  assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/api/')));
  for (const ops of Object.values(doc.paths)) for (const m of Object.keys(ops)) assert.ok(HTTP_METHODS.includes(m), m);
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  assert.deepEqual(result, { valid: true, warnings: [], specification: 'OpenAPI' });
});

test("fetching the document spends the meta budget of the client's address, keys or not", async () => {
  const limited = await startTestServer({ rateLimits: 'meta=2/3600' });
  // Per-address budgets live in Redis when it is shared: each run takes a loopback address of its own.
  const from = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const { hostname, port } = new URL(limited.url);
  const get = (headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, path: '/api/v2/openapi.json', headers, localAddress: from }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    const first = await get();
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-ratelimit-name'], 'meta');
    assert.equal((await get({ 'DD-API-KEY': limited.apiKey, 'DD-APPLICATION-KEY': limited.appKey })).status, 200);
    const spent = await get();
    assert.equal(spent.status, 429);
    assert.ok(Number(spent.headers['retry-after']) > 0);
  } finally {
    await limited.stop();
  }
});
