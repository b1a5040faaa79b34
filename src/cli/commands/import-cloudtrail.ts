import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { importAction, importer, progressBar, type ImportOptions } from '../import-command.js';
import type { ImportRun } from '../import-run.js';
import { requireOrg, withStore } from '../with-store.js';
import { placedRecordsOf, toAuditEvent, type CloudTrailRecord } from '../../ingest/cloudtrail.js';
import { streamCloudTrailRecords } from '../../ingest/cloudtrail-stream.js';
import { expandInputs, requireRereadable, totalBytes } from '../../ingest/input-files.js';
import { joinText, parseJsonText, readTextChunks } from '../../ingest/read-records.js';
import { readRecord, type OnInvalid } from '../../ingest/invalid-records.js';
import { importAuditEvents, type AuditImportSummary } from '../../ownership/signal-imports.js';
import type { AuditEvent } from '../../ownership/signals.js';
import type { Db } from '../../store/db.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';

const BATCH = 2000;

/** The text's chunks, after those that hold its first non-blank characters (at most 4096 of them), which it also gives. */
async function peekStart(chunks: AsyncGenerator<string>): Promise<{ start: string; all: AsyncGenerator<string> }> {
  const head: string[] = [];
  let start = '';
  while (start === '') {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    start = head.join('').trimStart().slice(0, 4096);
  }
  async function* all(): AsyncGenerator<string> {
    yield* head;
    yield* chunks;
  }
  return { start, all: all() };
}

/**
 * Every record of a file as an audit event: log files stream record by record; other shapes are small documents. With
 * `onInvalid` a record that is no valid event is handed over and left out.
 */
async function* eventsOf(file: string, onBytes: (n: number) => void, onInvalid?: OnInvalid): AsyncIterable<AuditEvent> {
  const eventOf = (record: CloudTrailRecord, place: string) => readRecord(() => toAuditEvent(record, place), onInvalid);
  // Peek at the document's start: a log file or array streams; one record or an EventBridge envelope is parsed whole.
  const { start, all } = await peekStart(readTextChunks(file, { source: file, onBytes: (n) => onBytes(n) }));
  const streaming = start.startsWith('[') || /^\{\s*"Records"\s*:/.test(start);
  const placed = streaming
    ? streamCloudTrailRecords(all, file, onInvalid)
    : placedRecordsOf(parseJsonText(await joinText(all, file), file), file, onInvalid);
  for await (const { record, place } of placed) {
    const event = eventOf(record, place);
    if (event) yield event;
  }
}

/**
 * Checks every file first (a bad record names its file and place), then writes all events in one transaction, so a
 * pipe, which can be read only once, is refused (ReadOnceInputError). Through `run` (`steward import cloudtrail`), files
 * are read as --skip-invalid says and a file of another kind is named.
 */
export async function importCloudTrailFiles(db: Db, orgId: string, files: string[], run?: ImportRun): Promise<AuditImportSummary> {
  const readEvents = (file: string, onBytes: (n: number) => void) =>
    run ? run.records(file, (onInvalid) => eventsOf(file, onBytes, onInvalid)) : eventsOf(file, onBytes);
  files.forEach(requireRereadable);
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
        let added = 0;
        // Distinct across batches: a resource named in two batches is one resource.
        const named = new Set<string>();
        let created = 0;
        let batch: AuditEvent[] = [];
        const flush = async () => {
          const r = await importAuditEvents(tx, orgId, batch, now, named);
          events += r.events;
          added += r.events_new;
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
        return { events, events_new: added, resources: named.size, resources_created: created };
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
