import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  invalidUtf8Offset,
  joinText,
  MAX_DOCUMENT_CHARACTERS,
  readJsonDocument,
  readNdjson,
  readTextDocument,
  yamlDocuments,
} from '../../src/ingest/read-records.js';
import { ReadOnceInputError } from '../../src/ingest/input-files.js';
import { RecordError } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';
import { aliasBomb } from '../helpers/alias-bomb.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-ingest-'));

async function collect(path: string) {
  const out = [];
  for await (const record of readNdjson(path)) out.push(record);
  return out;
}

test('readNdjson yields one value per line with its line number, skipping blank lines', async () => {
  const path = join(dir, 'items.ndjson');
  writeFileSync(path, '{"a":1}\n\n  \n{"a":2}\r\n[3]\n');
  assert.deepEqual(await collect(path), [
    { value: { a: 1 }, line: 1 },
    { value: { a: 2 }, line: 4 },
    { value: [3], line: 5 },
  ]);
});

test('readNdjson names the line that is not JSON', async () => {
  const path = join(dir, 'broken.ndjson');
  writeFileSync(path, '{"a":1}\n{"a":\n');
  await assert.rejects(collect(path), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.equal(error.place, 'line 2');
    assert.match(error.reason, /not valid JSON/);
    return true;
  });
});

test('readNdjson gunzips by magic bytes, whatever the file is called', async () => {
  const path = join(dir, 'items.txt');
  writeFileSync(path, gzipSync('{"n":1}\n{"n":2}\n'));
  assert.deepEqual(
    (await collect(path)).map((r) => r.value),
    [{ n: 1 }, { n: 2 }],
  );
});

test('readNdjson reports the bytes read against the file size', async () => {
  const path = join(dir, 'progress.ndjson');
  const text = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(50) })).join('\n');
  writeFileSync(path, text);
  const calls: Array<[number, number]> = [];
  let count = 0;
  for await (const _ of readNdjson(path, { onBytes: (read, total) => calls.push([read, total]) })) count += 1;
  assert.equal(count, 2000);
  assert.ok(calls.length >= 1);
  const size = Buffer.byteLength(text);
  assert.deepEqual(calls[calls.length - 1], [size, size]);
  assert.ok(calls.every(([read], i) => i === 0 || read > calls[i - 1][0]));
});

test('readJsonDocument reads a real Terraform state, plain and gzipped', async () => {
  const state = fixturePath('terraform-state', 'aws_kms_key.tfstate');
  const plain = (await readJsonDocument(state)) as { version: number };
  assert.equal(plain.version, 4);
  const gz = join(dir, 'state.tfstate.gz');
  writeFileSync(gz, gzipSync(readFileSync(state)));
  assert.deepEqual(await readJsonDocument(gz), plain);
});

test('readJsonDocument names the file and position of truncated JSON', async () => {
  const path = join(dir, 'truncated.json');
  writeFileSync(path, '{"version": 4, "resources": [');
  await assert.rejects(readJsonDocument(path), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.equal(error.place, 'truncated.json');
    assert.match(error.reason, /not valid JSON/);
    return true;
  });
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"version": 4, x}');
  await assert.rejects(readJsonDocument(bad), /bad\.json: not valid JSON \(at position 15\)/);
});

/** Every value readNdjson gives for `path` with `source`, or the RecordError it throws. */
async function ndjsonOutcome(path: string) {
  try {
    const out = [];
    for await (const record of readNdjson(path, { source: path })) out.push(record.value);
    return out;
  } catch (error) {
    if (error instanceof RecordError) return error;
    throw error;
  }
}

test('bytes that are not UTF-8 are refused with the file, line and byte, not read as U+FFFD', async () => {
  const ndjson = join(dir, 'latin1.ndjson');
  writeFileSync(ndjson, Buffer.concat([Buffer.from('{"id":"ok"}\n{"id":"arn:aws:s3:::caf'), Buffer.from([0xe9]), Buffer.from('-bucket"}\n')]));
  const error = await ndjsonOutcome(ndjson);
  assert.ok(error instanceof RecordError, 'refused');
  assert.equal(error.place, `${ndjson} line 2`);
  assert.equal(error.reason, 'not valid UTF-8 (at byte offset 35)');

  const state = join(dir, 'latin1.tfstate');
  writeFileSync(state, Buffer.concat([Buffer.from('{\n "name": "bar'), Buffer.from([0xe9]), Buffer.from('.fifo"}')]));
  await assert.rejects(
    readJsonDocument(state, { source: state }),
    new RegExp(`^RecordError: ${state} line 2: not valid UTF-8 \\(at byte offset 15\\)`),
  );
  // Gzipped, and a character cut short at the very end.
  writeFileSync(state, gzipSync(Buffer.concat([Buffer.from('{"n":"é"}\n"'), Buffer.from([0xc3])])));
  await assert.rejects(readJsonDocument(state), /latin1\.tfstate line 2: not valid UTF-8 \(at byte offset 12\)/);
});

test('multi-byte characters split across chunks are read whole, and a byte order mark is dropped', async () => {
  const value = { id: 'é✓😀'.repeat(30_000) };
  const path = join(dir, 'bom.json');
  writeFileSync(path, '\uFEFF' + JSON.stringify(value));
  assert.deepEqual(await readJsonDocument(path), value);
  writeFileSync(path, '\uFEFF{"a":1}\n{"a":2}\n');
  assert.deepEqual(await ndjsonOutcome(path), [{ a: 1 }, { a: 2 }]);
  assert.equal(await readTextDocument(path), '{"a":1}\n{"a":2}\n');
});

test('a truncated or corrupt .gz is a RecordError naming the file and line', async () => {
  const state = readFileSync(fixturePath('terraform-state', 'aws_kms_key.tfstate'));
  const truncated = join(dir, 'truncated.tfstate.gz');
  writeFileSync(truncated, gzipSync(state).subarray(0, 300));
  await assert.rejects(readJsonDocument(truncated, { source: truncated }), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.match(error.place, new RegExp(`^${truncated} line \\d+$`));
    assert.match(error.reason, /^cannot be read: unexpected end of file/);
    return true;
  });
  const corrupt = join(dir, 'corrupt.json');
  writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 0x01, 0x02, 0x03, 0x04, 0x05]));
  await assert.rejects(readJsonDocument(corrupt), /corrupt\.json line 1: cannot be read: /);
});

test('a document too large for one string is refused naming the file and the limit', async () => {
  await assert.rejects(joinText(['abc', 'def'], 'big.tfstate', 5), (error: unknown) => {
    assert.ok(error instanceof RecordError);
    assert.equal(error.message, 'big.tfstate: too large: a document is read whole, up to 5 characters (0 MiB)');
    return true;
  });
  assert.equal(await joinText(['abc', 'def'], 'fits', 6), 'abcdef');
  assert.equal(MAX_DOCUMENT_CHARACTERS, constants.MAX_STRING_LENGTH);
});

test(
  'a pipe is read (gzip sniffed from the stream); readNdjson refuses one, as its import reads it twice',
  { skip: process.platform === 'win32' },
  async () => {
    const fifo = join(dir, 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    const state = readFileSync(fixturePath('terraform-state', 'aws_kms_key.tfstate'));
    const writer = new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(fifo);
      stream.on('error', reject);
      stream.end(gzipSync(state), resolve);
    });
    assert.deepEqual(await readJsonDocument(fifo), JSON.parse(state.toString('utf8')));
    await writer;
    await assert.rejects(ndjsonOutcome(fifo), (error: unknown) => error instanceof ReadOnceInputError && error.path === fifo);
  },
);

test('invalidUtf8Offset finds the first character that is not UTF-8', () => {
  const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  assert.equal(invalidUtf8Offset(bytes('caf', [0xe9], '-x')), 3);
  assert.equal(invalidUtf8Offset(bytes('é', [0xff])), 2);
  assert.equal(invalidUtf8Offset(bytes('ab', [0xf0, 0x9f])), 2);
  assert.equal(invalidUtf8Offset(bytes([0x80])), 0);
  assert.equal(invalidUtf8Offset(bytes('✓', [0xed, 0xa0, 0x80])), 3, 'a surrogate in UTF-8 form');
});

test('yamlDocuments: an alias bomb is a RecordError of its document, skipped with onInvalid', () => {
  const text = `apiVersion: v1\n---\n${aliasBomb()}---\nkind: after\n`;
  assert.throws(
    () => yamlDocuments(text, 'team.yaml'),
    (error: unknown) =>
      error instanceof RecordError && error.place === 'team.yaml document 2' && /not valid YAML: Excessive alias count/.test(error.reason),
  );
  const skipped: RecordError[] = [];
  const documents = yamlDocuments(text, 'team.yaml', (error) => skipped.push(error));
  assert.deepEqual(
    documents.map((d) => d.place),
    ['team.yaml document 1', 'team.yaml document 3'],
  );
  assert.equal(skipped.length, 1);
});
