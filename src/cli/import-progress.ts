// Progress of the importers that read whole documents (Terraform states, AWS Config files, Datadog findings answers):
// a bar while their files are read, then one while their records are written. A large state takes tens of seconds,
// which showed nothing on the terminal before. Like every bar, they are drawn only when stderr is a terminal.
import { statSync } from 'node:fs';
import { progressBar, type Progress } from './import-command.js';
import type { Db } from '../store/db.js';
import { fromArray, importResourcesAtomically } from '../ingest/resource-batches.js';
import type { IngestSummary } from '../posture/inventory-service.js';
import type { ResourceRecord } from '../posture/resource.js';
import { builtInRuleEngine } from '../posture/rule-pack-engine.js';

/** Makes a bar: progressBar, or a stand-in that records what it is told. */
export type ProgressFactory = (label: string, total: number, unit?: string) => Progress;

/** Reads `files` in order, each by `read`, under one 'reading' bar over all their bytes (`onBytes`: bytes of that file). */
export async function readFilesWithProgress<T>(
  files: string[],
  read: (file: string, onBytes: (bytesRead: number) => void) => Promise<T[]>,
  bar: ProgressFactory = progressBar,
): Promise<T[]> {
  const sizes = files.map((file) => statSync(file).size);
  const progress = bar(
    'reading',
    sizes.reduce((sum, size) => sum + size, 0),
  );
  const records: T[] = [];
  let done = 0;
  try {
    for (const [i, file] of files.entries()) {
      const before = done;
      records.push(...(await read(file, (bytesRead) => progress.update(before + bytesRead))));
      done += sizes[i];
      progress.update(done);
    }
  } finally {
    progress.stop();
  }
  return records;
}

/** Runs `write` under a 'writing' bar over `total` records, which `write` advances by calling `onWritten(written so far)`. */
export async function writeWithProgress<T>(
  total: number,
  unit: string,
  write: (onWritten: (written: number) => void) => Promise<T>,
  bar: ProgressFactory = progressBar,
): Promise<T> {
  const progress = bar('writing', total, unit);
  try {
    return await write((written) => progress.update(written));
  } finally {
    progress.stop();
  }
}

/**
 * Runs `write` under one 'writing <phase>' bar per phase it reports through `onProgress(phase, done, total)`: a new
 * phase stops the bar before it. For writers whose parts differ in kind (findings, then the resources they name).
 */
export async function writeInPhases<T, P extends string>(
  write: (onProgress: (phase: P, done: number, total: number) => void) => Promise<T>,
  unitOf: (phase: P) => string = (phase) => phase,
  bar: ProgressFactory = progressBar,
): Promise<T> {
  let current: { phase: P; progress: Progress } | undefined;
  try {
    return await write((phase, done, total) => {
      if (current?.phase !== phase) {
        current?.progress.stop();
        current = { phase, progress: bar(`writing ${phase}`, total, unitOf(phase)) };
      }
      current.progress.update(done, total);
    });
  } finally {
    current?.progress.stop();
  }
}

/** Writes parsed resources all or nothing (importResourcesAtomically) under a 'writing' bar. */
export function writeResourcesWithProgress(db: Db, orgId: string, records: ResourceRecord[], source: string): Promise<IngestSummary> {
  return writeWithProgress(records.length, 'resources', (onWritten) =>
    importResourcesAtomically(db, orgId, fromArray(records), builtInRuleEngine(), { source, onWritten }),
  );
}
