import type { Db, Queryable } from '../store/db.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import type { ResourceRecord } from '../posture/resource.js';
import type { RuleEngine } from '../posture/rule-engine.js';
import { ingestResourceBatch, addSummary, emptySummary, type IngestSummary } from '../posture/inventory-service.js';

export const BATCH_SIZE = 1000;

/**
 * Imports resources all or nothing: `records()` is read twice, first to validate every record (a bad one throws
 * its RecordError before anything is written), then to write them all in one transaction, in batches.
 */
export async function importResourcesAtomically(
  db: Db,
  orgId: string,
  records: () => AsyncIterable<ResourceRecord>,
  rules: RuleEngine,
  opts: { source: string; actor?: string | null; onValidated?: (n: number) => void; onWritten?: (n: number) => void },
): Promise<IngestSummary> {
  let validated = 0;
  for await (const _ of records()) {
    validated++;
    if (validated % BATCH_SIZE === 0) opts.onValidated?.(validated);
  }
  opts.onValidated?.(validated);
  // The resources are known only as they stream: the whole organization's write lock.
  return withFindingWriteLease(db, orgId, 'org', (tx, now) => writeAll(tx, orgId, records(), rules, { ...opts, now }));
}

async function writeAll(
  tx: Queryable,
  orgId: string,
  records: AsyncIterable<ResourceRecord>,
  rules: RuleEngine,
  opts: { source: string; actor?: string | null; now: number; onWritten?: (n: number) => void },
): Promise<IngestSummary> {
  const now = opts.now;
  let summary = emptySummary();
  let batch: ResourceRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    summary = addSummary(summary, await ingestResourceBatch(tx, orgId, batch, rules, { now, source: opts.source, actor: opts.actor ?? null }));
    batch = [];
    opts.onWritten?.(summary.received);
  };
  for await (const r of records) {
    batch.push(r);
    if (batch.length >= BATCH_SIZE) await flush();
  }
  await flush();
  return summary;
}

/** An already-parsed list as the record source of an atomic import. */
export function fromArray<T>(items: T[]): () => AsyncIterable<T> {
  return () =>
    (async function* () {
      yield* items;
    })();
}
