import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readJsonDocument, readNdjson } from '../../src/ingest/read-records.js';
import { RecordError } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';

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
  const { readFileSync } = await import('node:fs');
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
