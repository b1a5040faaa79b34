import type { Command } from 'commander';
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { importAction, importer, progressBar, type ImportOptions } from '../import-command.js';
import type { ImportRun } from '../import-run.js';
import { requireOrg, withStore } from '../with-store.js';
import { streamCloudTrailRecords, placedRecordsOf, toAuditEvent, type CloudTrailRecord } from '../../ingest/cloudtrail.js';
import { expandInputs, totalBytes } from '../../ingest/input-files.js';
import { parseJsonText } from '../../ingest/read-records.js';
import { readRecord, type OnInvalid } from '../../ingest/invalid-records.js';
import { importAuditEvents } from '../../ownership/signal-imports.js';
import type { AuditEvent } from '../../ownership/signals.js';
import type { Db } from '../../store/db.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';

const BATCH = 2000;

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Every record of a file as an audit event: log files stream record by record; other shapes are small documents. With
 * `onInvalid` a record that is no valid event is handed over and left out.
 */
async function* eventsOf(file: string, onBytes: (n: number) => void, onInvalid?: OnInvalid): AsyncIterable<AuditEvent> {
  const eventOf = (record: CloudTrailRecord, place: string) => readRecord(() => toAuditEvent(record, place), onInvalid);
  const raw = createReadStream(file);
  const stream = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  // Peek at the document's start: a log file or array streams; one record or an EventBridge envelope is parsed whole.
  const chunks: Buffer[] = [];
  let head = '';
  const iterator = stream[Symbol.asyncIterator]();
  while (head.trimStart().length === 0) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value as Buffer);
    onBytes(raw.bytesRead);
    head = Buffer.concat(chunks).toString('utf8', 0, Math.min(4096, Buffer.concat(chunks).length));
  }
  const rest = (async function* () {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      onBytes(raw.bytesRead);
      yield next.value as Buffer;
    }
  })();
  const trimmed = head.trimStart();
  const streaming = trimmed.startsWith('[') || /^\{\s*"Records"\s*:/.test(trimmed);
  if (streaming) {
    for await (const { record, place } of streamCloudTrailRecords(rest, file, onInvalid)) {
      const event = eventOf(record, place);
      if (event) yield event;
    }
    return;
  }
  let text = '';
  for await (const c of rest) text += c.toString('utf8');
  for (const { record, place } of placedRecordsOf(parseJsonText(text, file), file, onInvalid)) {
    const event = eventOf(record, place);
    if (event) yield event;
  }
}

/**
 * Checks every file first (a bad record names its file and place), then writes all events in one transaction. Through
 * `run` (`steward import cloudtrail`), files are read as --skip-invalid says and a file of another kind is named.
 */
export async function importCloudTrailFiles(
  db: Db,
  orgId: string,
  files: string[],
  run?: ImportRun,
): Promise<{ events: number; resources: number; resources_created: number }> {
  const readEvents = (file: string, onBytes: (n: number) => void) =>
    run ? run.records(file, (onInvalid) => eventsOf(file, onBytes, onInvalid)) : eventsOf(file, onBytes);
  const size = totalBytes(files);
  for (const phase of ['checking', 'writing'] as const) {
    const bar = progressBar(phase, size);
    let done = 0;
    try {
      if (phase === 'checking') {
        for (const file of files) {
          const base = done;
          for await (const _ of readEvents(file, (n) => bar.update(base + n))) void _;
          done += statSync(file).size;
        }
        continue;
      }
      // The resources the events name are known only as they stream: the whole organization's write lock.
      return await withFindingWriteLease(db, orgId, 'org', async (tx, now) => {
        let events = 0;
        let resources = 0;
        let created = 0;
        let batch: AuditEvent[] = [];
        const flush = async () => {
          const r = await importAuditEvents(tx, orgId, batch, now);
          events += r.events;
          resources += r.resources;
          created += r.resources_created;
          batch = [];
        };
        for (const file of files) {
          const base = done;
          for await (const e of readEvents(file, (n) => bar.update(base + n))) {
            batch.push(e);
            if (batch.length >= BATCH) await flush();
          }
          done += statSync(file).size;
        }
        await flush();
        return { events, resources, resources_created: created };
      });
    } finally {
      bar.stop();
    }
  }
  throw new Error('unreachable');
}

export function register(program: Command) {
  importer(
    program,
    'cloudtrail',
    'Import AWS CloudTrail records: log files, arrays, single records, EventBridge envelopes, gzip, or folders of these',
  )
    .argument('<paths...>', 'files or folders')
    .action(
      importAction(async (inputs: string[], opts: ImportOptions, run) => {
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$|\.gz$/.test(n));
        const result = await withStore(async (db) => importCloudTrailFiles(db, await requireOrg(db, opts.org), files, run));
        return { files: files.length, ...result };
      }),
    );
}
