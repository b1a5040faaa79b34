// One representative answer of each error code, on the wire of a real server; the codes a real server cannot be
// driven to here (a 408 after minutes, a 409, a 500, a 503) are asserted in test/unit/error-codes.test.ts.
import { gzipSync } from 'node:zlib';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ERROR_CODES } from '../../src/error-codes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ rateLimits: 'ownership=1/3600' });
});
after(async () => s?.stop());

type WireError = { status: string; code: string; detail: string };

/** The answer's status and code, checked against the registry: the status is the code's, every code is registered. */
async function codeOf(answer: Response | Promise<Response>): Promise<string> {
  const r = await answer;
  const { errors } = (await r.json()) as { errors: WireError[] };
  for (const e of errors) {
    assert.ok(e.code in ERROR_CODES, `unregistered code ${e.code}`);
    assert.equal(String(ERROR_CODES[e.code as keyof typeof ERROR_CODES].status), e.status);
  }
  assert.equal(errors[0]!.status, String(r.status));
  return errors[0]!.code;
}

/** Raw bytes on a socket: for requests no HTTP client sends. */
function rawAnswer(request: string): Promise<string> {
  const { hostname, port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
  });
}

function rawCode(answer: string): string {
  return (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { errors: WireError[] }).errors[0]!.code;
}

const FINDINGS = '/api/v2/posture_management/findings';

test('400s: parameter, cursor, body, URL, not HTTP', async () => {
  assert.equal(await codeOf(s.api(`${FINDINGS}?page[limit]=many`)), 'STEWARD_ERR_INVALID_PARAMETER');
  assert.equal(await codeOf(s.api(`${FINDINGS}?page[cursor]=bm90LWEtY3Vyc29y`)), 'STEWARD_ERR_INVALID_CURSOR');
  assert.equal(await codeOf(s.api('/api/v2/csm/resources', { method: 'POST', body: '{"data": [' })), 'STEWARD_ERR_INVALID_BODY');
  assert.equal(await codeOf(s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [] }) })), 'STEWARD_ERR_INVALID_BODY');
  assert.equal(await codeOf(s.api(`${FINDINGS}/%E0%A4%A`)), 'STEWARD_ERR_INVALID_URL');
  const undecodable = (await (await s.api('/api/v2/csm/resources/%zz?x=%zz')).json()) as { errors: WireError[] };
  assert.equal(undecodable.errors[0]!.detail, 'The request URL is not valid: its path segment "%zz" holds a malformed percent-encoding.');
  assert.equal(rawCode(await rawAnswer('NOT HTTP AT ALL\r\n\r\n')), 'STEWARD_ERR_BAD_REQUEST');
});

test('401 and 403: missing keys, unknown keys', async () => {
  assert.equal(await codeOf(fetch(`${s.url}${FINDINGS}`)), 'STEWARD_ERR_UNAUTHENTICATED');
  const headers = { 'DD-API-KEY': 'f'.repeat(32), 'DD-APPLICATION-KEY': 'f'.repeat(40) };
  assert.equal(await codeOf(fetch(`${s.url}${FINDINGS}`, { headers })), 'STEWARD_ERR_FORBIDDEN');
});

test('404: an unknown finding and an unknown route; 429 once a budget is spent', async () => {
  assert.equal(await codeOf(s.api(`${FINDINGS}/no-such-finding`)), 'STEWARD_ERR_NOT_FOUND');
  assert.equal(await codeOf(s.api('/api/v2/no/such/route')), 'STEWARD_ERR_NOT_FOUND');
  // A budget of this test's own keys (Redis counters are shared by every test on this machine).
  assert.equal((await s.api('/api/v2/csm/ownership/settings')).status, 200);
  const spent = await s.api('/api/v2/csm/ownership/settings');
  assert.equal(spent.status, 429);
  assert.equal(await codeOf(spent), 'STEWARD_ERR_RATE_LIMITED');
});

test('413, 415, 422: too large, wrong content type or a compressed body, a value that cannot be applied', async () => {
  const huge = JSON.stringify({ data: 'x'.repeat(11 * 1024 * 1024) });
  assert.equal(await codeOf(s.api('/api/v2/csm/resources', { method: 'POST', body: huge })), 'STEWARD_ERR_PAYLOAD_TOO_LARGE');
  const xml = { method: 'POST', body: '<data/>', headers: { 'content-type': 'application/xml' } };
  assert.equal(await codeOf(s.api('/api/v2/csm/resources', xml)), 'STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE');
  // text/plain too: it is no body the API reads, and the error names the header.
  const text = await s.api('/api/v2/csm/resources', { method: 'POST', body: '{"data":[]}', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  assert.deepEqual(((await text.json()) as { errors: Array<{ source?: unknown }> }).errors[0]!.source, { header: 'Content-Type' });
  // A compressed body, gzip or any coding but identity: no route decompresses, so the error names Content-Encoding
  // instead of calling the body not JSON (gzip) or reading it as if the header were absent (br claimed, plain sent).
  const plain =
    '{"data":[{"type":"cloud_resource","id":"arn:aws:s3:::encoded","attributes":{"resource_type":"aws_s3_bucket","cloud_provider":"aws"}}]}';
  for (const [encoding, body] of [
    ['gzip', gzipSync(plain)],
    ['br', plain],
    ['deflate, gzip', gzipSync(plain)],
  ] as const) {
    const r = await s.api('/api/v2/csm/resources', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    });
    assert.equal(r.status, 415, encoding);
    const { errors } = (await r.json()) as { errors: Array<{ code: string; detail: string; source?: unknown }> };
    assert.equal(errors[0]!.code, 'STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.deepEqual(errors[0]!.source, { header: 'Content-Encoding' });
    assert.match(errors[0]!.detail, /uncompressed/);
  }
  assert.equal((await s.api('/api/v2/csm/resources/arn:aws:s3:::encoded')).status, 404, 'nothing was imported');
  const identity = await s.api('/api/v2/csm/resources', { method: 'POST', body: plain, headers: { 'content-encoding': 'identity' } });
  assert.equal(identity.status, 200, await identity.text());
  // Every body is read as UTF-8: another charset is a 415 naming Content-Type, and bytes that are not UTF-8 a 400. A
  // Latin-1 body was kept with U+FFFD in place of each accented letter; a UTF-16 one was called not JSON.
  const accented = plain.replace('encoded', 'encod\u00e9');
  for (const [charset, body] of [
    ['latin1', Buffer.from(accented, 'latin1')],
    ['UTF-16', Buffer.from(accented, 'utf16le')],
    ['"iso-8859-1"', Buffer.from(accented, 'latin1')],
  ] as const) {
    const r = await s.api('/api/v2/csm/resources', { method: 'POST', body, headers: { 'content-type': `application/json; charset=${charset}` } });
    assert.equal(r.status, 415, charset);
    const { errors } = (await r.json()) as { errors: Array<{ code: string; detail: string; source?: unknown }> };
    assert.deepEqual([errors[0]!.code, errors[0]!.source], ['STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE', { header: 'Content-Type' }], charset);
    assert.match(errors[0]!.detail, /send the body in UTF-8/);
  }
  const notUtf8 = await s.api('/api/v2/csm/resources', {
    method: 'POST',
    body: Buffer.from(accented, 'latin1'),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(notUtf8.status, 400);
  const { errors } = (await notUtf8.json()) as { errors: Array<{ code: string; detail: string; source?: unknown }> };
  assert.deepEqual([errors[0]!.code, errors[0]!.source], ['STEWARD_ERR_INVALID_BODY', { pointer: '/' }]);
  assert.match(errors[0]!.detail, /not valid UTF-8/);
  for (const id of ['arn:aws:s3:::encod\u00e9', 'arn:aws:s3:::encod\ufffd'])
    assert.equal((await s.api(`/api/v2/csm/resources/${encodeURIComponent(id)}`)).status, 404, `nothing written as ${id}`);
  const utf8 = await s.api('/api/v2/csm/resources', {
    method: 'POST',
    body: accented,
    headers: { 'content-type': 'application/json; charset="UTF-8"' },
  });
  assert.equal(utf8.status, 200, await utf8.text());
  const kept = await s.api(`/api/v2/csm/resources/${encodeURIComponent('arn:aws:s3:::encod\u00e9')}`);
  assert.equal(kept.status, 200, 'UTF-8 is kept as sent');
  const mute = {
    data: {
      type: 'mute',
      attributes: { mute: { is_muted: true, reason: 'BECAUSE' } },
      relationships: { findings: { data: [{ id: 'f-1', type: 'findings' }] } },
    },
  };
  assert.equal(await codeOf(s.api('/api/v2/security/findings/mute', { method: 'PATCH', body: JSON.stringify(mute) })), 'STEWARD_ERR_UNPROCESSABLE');
});

test('431: headers larger than the server reads', async () => {
  const answer = await rawAnswer(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 /);
  assert.equal(rawCode(answer), 'STEWARD_ERR_HEADERS_TOO_LARGE');
});
