import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGzip } from 'node:zlib';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { readNdjson } from '../../src/ingest/read-records.js';
import { RecordError } from '../../src/posture/resource.js';

test('an NDJSON line longer than a string can hold is refused naming its file and line, not as "Invalid string length"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-long-line-'));
  try {
    const file = join(dir, 'long.ndjson.gz');
    // 560 MiB of one line, 2.5 MB gzipped: past V8's longest string (about 512 MiB).
    const mib = Buffer.alloc(1 << 20, 'a');
    const lines = function* () {
      yield Buffer.from('{"type":"cloud_resource","id":"ok"}\n{"a":"');
      for (let i = 0; i < 560; i++) yield mib;
    };
    await pipeline(Readable.from(lines()), createGzip({ level: 1 }), createWriteStream(file));
    const read: number[] = [];
    await assert.rejects(
      async () => {
        for await (const record of readNdjson(file, { source: 'long.ndjson.gz' })) read.push(record.line);
      },
      (err: unknown) => err instanceof RecordError && err.message === 'long.ndjson.gz line 2: too large: a line is longer than a string can hold',
    );
    assert.deepEqual(read, [1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
