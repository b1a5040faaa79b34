import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Fastify from 'fastify';
import { ERROR_CODES, codeForStatus } from '../../src/error-codes.js';
import { Conflict, InvalidInput, NotFound, Unprocessable } from '../../src/errors.js';
import { answerClientError, registerErrorMapper } from '../../src/server/error-mapper.js';
import { healthRoutes } from '../../src/server/routes/health.js';
import type { AppContext } from '../../src/server/context.js';
import { REPO_ROOT } from '../helpers/processes.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const REGISTRY = join(REPO_ROOT, 'src', 'error-codes.ts');
const SOURCES = sourceFiles(join(REPO_ROOT, 'src')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

test('every code of the registry is used in src/, outside the registry itself', () => {
  const used = SOURCES.filter((f) => f.path !== REGISTRY)
    .map((f) => f.text)
    .join('\n');
  // codeForStatus (in the registry's module) picks codes too: what it can answer counts as used.
  const picked = new Set([400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 431, 500, 503].map((s) => codeForStatus(s)));
  picked.add(codeForStatus(400, { parameter: 'p' })).add(codeForStatus(400, { pointer: '/' }));
  const dead = Object.keys(ERROR_CODES).filter((code) => !used.includes(`'${code}'`) && !picked.has(code as keyof typeof ERROR_CODES));
  assert.deepEqual(dead, []);
});

test("docs/ARCHITECTURE.md's table of error codes is the registry: every code, its status and its meaning, word for word", () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `(STEWARD_ERR_[A-Z_]+)` \| (\d+) \| (.*) \|$/gm)].map(([, code, status, meaning]) => [
    code,
    Number(status),
    meaning,
  ]);
  assert.deepEqual(
    rows,
    Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => [code, status, meaning]),
  );
});

test('every STEWARD_ERR_ string in src/ is a registered code, and each code has its status and a meaning', () => {
  for (const { path, text } of SOURCES) {
    for (const [name] of text.matchAll(/STEWARD_ERR_[A-Z_]+/g)) assert.ok(name in ERROR_CODES, `${path}: ${name} is not in ERROR_CODES`);
  }
  for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^STEWARD_ERR_[A-Z_]+$/);
    assert.ok(status >= 400 && status < 600, code);
    assert.ok(meaning.length > 10, code);
  }
});

test('domain errors carry their code and its status', () => {
  assert.equal(new InvalidInput('x', { parameter: 'p' }).code, 'STEWARD_ERR_INVALID_PARAMETER');
  assert.equal(new InvalidInput('x', { pointer: '/data' }).code, 'STEWARD_ERR_INVALID_BODY');
  assert.equal(new InvalidInput('x', { parameter: 'page[cursor]' }, 'STEWARD_ERR_INVALID_CURSOR').status, 400);
  assert.equal(new NotFound('x').status, 404);
  assert.equal(new Conflict('x').code, 'STEWARD_ERR_CONFLICT');
  assert.equal(new Unprocessable('x').status, 422);
});

type WireError = { status: string; code: string; title: string; detail: string };

async function answerOf(throwing: () => never): Promise<{ status: number; errors: WireError[] }> {
  const app = Fastify({ logger: false });
  registerErrorMapper(app);
  app.get('/', async () => throwing());
  const r = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return { status: r.statusCode, errors: (r.json() as { errors: WireError[] }).errors };
}

test('the mapper answers a conflict and an unexpected failure with their codes', async () => {
  const conflict = await answerOf(() => {
    throw new Conflict('The inference changed.');
  });
  assert.equal(conflict.status, 409);
  assert.equal(conflict.errors[0]!.code, 'STEWARD_ERR_CONFLICT');
  const failure = await answerOf(() => {
    throw new Error('connection lost at db.ts:12');
  });
  assert.equal(failure.status, 500);
  assert.equal(failure.errors[0]!.code, 'STEWARD_ERR_INTERNAL');
  assert.ok(!failure.errors[0]!.detail.includes('db.ts'));
  const several = await answerOf(() => {
    throw new InvalidInput('first', { pointer: '/a' }).setProblems([
      { detail: 'first', source: { pointer: '/a' } },
      { detail: 'second', source: { pointer: '/b' } },
    ]);
  });
  assert.deepEqual(
    several.errors.map((e) => e.code),
    ['STEWARD_ERR_INVALID_BODY', 'STEWARD_ERR_INVALID_BODY'],
  );
});

test('a store that does not answer: /ready is a 503 STEWARD_ERR_STORE_UNAVAILABLE', async () => {
  const app = Fastify({ logger: false });
  registerErrorMapper(app);
  const ctx = {
    db: { kind: 'pglite', query: () => Promise.reject(new Error('down')) },
    limiter: { state: () => 'process' },
  } as unknown as AppContext;
  await app.register(healthRoutes, ctx);
  const r = await app.inject({ method: 'GET', url: '/ready' });
  await app.close();
  assert.equal(r.statusCode, 503);
  assert.equal((r.json() as { errors: WireError[] }).errors[0]!.code, 'STEWARD_ERR_STORE_UNAVAILABLE');
});

test('a request that does not arrive in time: 408 STEWARD_ERR_REQUEST_TIMEOUT on the socket', () => {
  const socket = new PassThrough();
  let written = '';
  socket.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const err = Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
  socket.on('error', () => {});
  answerClientError(err, socket);
  assert.match(written, /^HTTP\/1\.1 408 /);
  const body = JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4)) as { errors: WireError[] };
  assert.equal(body.errors[0]!.code, 'STEWARD_ERR_REQUEST_TIMEOUT');
});
