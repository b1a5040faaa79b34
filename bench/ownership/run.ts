// `npm run bench:ownership`: the synthetic organization imported THROUGH THE IMPORTERS into a real store, inferred by
// the recompute service, review feedback on a 10% sample recorded as the feedback API records it, weights relearned,
// everything recomputed, and the held-out 90% measured per owner type; beside the in-memory evaluation's figures.
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inference } from '../../src/ownership/evidence.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { learnFromLabel, labelOf, refitOrganization } from '../../src/ownership/use-cases/relearn.js';
import { runRecompute } from '../../src/ownership/use-cases/run-recompute.js';
import { inferencesOfMany, insertFeedback, type InferenceRow } from '../../src/store/ownership-inferences.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { generateSyntheticOrg, prng, type Truth } from './synthetic-org.js';
import { measure, type Prediction, type TypeMetrics } from './metrics.js';
import { evaluateInMemory, reviewLabel } from './in-memory-eval.js';
import { importSynthetic, writeFiles } from './import-synthetic.js';
import { createBenchStore } from '../lib/store.js';
import { int, table } from '../lib/stats.js';
import { writeSection } from '../lib/readme.js';
import type { Db } from '../../src/store/db.js';

async function allInferences(db: Db, orgId: string, ids: string[]): Promise<Map<string, InferenceRow[]>> {
  const out = new Map<string, InferenceRow[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const row of await inferencesOfMany(db, orgId, ids.slice(i, i + 1000)))
      (out.get(row.resource_id) ?? out.set(row.resource_id, []).get(row.resource_id)!).push(row);
  }
  return out;
}

function metricsOf(ids: string[], inferred: Map<string, InferenceRow[]>, truth: Record<string, Truth>): Record<OwnerType, TypeMetrics> {
  const predictions = new Map<string, Partial<Record<OwnerType, Prediction>>>();
  for (const id of ids) {
    const row: Partial<Record<OwnerType, Prediction>> = {};
    for (const inf of inferred.get(id) ?? []) row[inf.slot] = { owner: inf.owner_handle, confidence: Number(inf.confidence) };
    predictions.set(id, row);
  }
  const t: Record<string, Partial<Record<OwnerType, string>>> = {};
  for (const id of ids) t[id] = truth[id]!;
  return Object.fromEntries(OWNER_TYPES.map((type) => [type, measure(predictions, t, type)])) as Record<OwnerType, TypeMetrics>;
}

const f3 = (x: number) => x.toFixed(3);
const mark = (ok: boolean) => (ok ? '✅' : '❌');

export async function benchOwnershipAccuracy(resources = Number(process.env.BENCH_OWNERSHIP_RESOURCES ?? 10_000), seed = 42): Promise<string> {
  const org = generateSyntheticOrg({ resources, seed });
  const dir = mkdtempSync(join(tmpdir(), 'steward-bench-synthetic-'));
  const store = await createBenchStore('ownership-eval');
  const db = await store.open();
  const notes: string[] = [];
  try {
    writeFiles(dir, org.files);
    const { org_id: orgId } = await ensureOrg(db, org.model.org);
    const took = await importSynthetic(db, orgId, dir, org.files, notes);
    let t = performance.now();
    // As `steward ownership recompute` does: infer, refit to the organization's own evidence, infer again.
    const first = await runRecompute(db, orgId);
    const firstS = (performance.now() - t) / 1000;
    const ids = org.model.resources.map((r) => r.arn);
    const rnd = prng(seed ^ 0x5eed);
    const sample = new Set<string>();
    for (const r of org.model.resources) if (rnd() < 0.1) sample.add(r.arn);
    const heldOut = ids.filter((id) => !sample.has(id));
    const before = await allInferences(db, orgId, ids);
    const priors = metricsOf(heldOut, before, org.truth);

    // Review feedback on the sample, recorded as POST .../feedback records it (insertFeedback with the reviewed row).
    let labels = 0;
    const now = Date.now();
    await db.transaction(async (tx) => {
      for (const id of [...sample].sort()) {
        for (const row of before.get(id) ?? []) {
          const label = reviewLabel(
            { owner_handle: row.owner_handle, votes: row.votes } as unknown as Inference,
            org.truth[id]?.[row.slot],
            row.slot,
          );
          if (!label) continue;
          labels++;
          const feedback = {
            resource_id: id,
            slot: row.slot,
            action: label.action,
            checksum: row.checksum,
            inferred_owner: row.owner_handle,
            corrected_owner: label.corrected_owner ?? null,
            corrected_type: label.corrected_owner ? row.slot : null,
            reason: null,
            votes: row.votes ?? [],
            actor: 'bench-reviewer',
            created_at: now,
            confidence: Number(row.confidence),
          };
          await insertFeedback(tx, orgId, feedback, now);
          await learnFromLabel(tx, orgId, id, labelOf(feedback), now);
        }
      }
    });
    await refitOrganization(db, orgId, now);
    t = performance.now();
    await recomputeUntilEmpty(db, { orgId });
    const secondS = (performance.now() - t) / 1000;
    const learned = metricsOf(heldOut, await allInferences(db, orgId, ids), org.truth);
    const mem = evaluateInMemory({ resources, seed });

    const rows = OWNER_TYPES.flatMap((type) => [
      [
        `${type}`,
        'importers, priors',
        f3(priors[type].accuracy),
        `${f3(priors[type].high_precision)} (n=${priors[type].high_count})`,
        f3(priors[type].coverage),
        f3(priors[type].ece),
      ],
      [
        `${type}`,
        'importers, learned',
        f3(learned[type].accuracy),
        `${f3(learned[type].high_precision)} (n=${learned[type].high_count})`,
        f3(learned[type].coverage),
        f3(learned[type].ece),
      ],
      [
        `${type}`,
        'in-memory, learned',
        f3(mem.after[type].accuracy),
        `${f3(mem.after[type].high_precision)} (n=${mem.after[type].high_count})`,
        f3(mem.after[type].coverage),
        f3(mem.after[type].ece),
      ],
    ]);
    const team = learned.team;
    console.log(
      `ownership eval: team precision ${f3(team.high_precision)} ece ${f3(team.ece)} coverage ${f3(team.coverage)} (in-memory ${f3(mem.after.team.high_precision)} / ${f3(mem.after.team.ece)} / ${f3(mem.after.team.coverage)})`,
    );
    return [
      `### Ownership inference accuracy (\`npm run bench:ownership\`)`,
      ``,
      `Synthetic organization, ${int(resources)} resources, seed ${seed}, imported through the importers (${Object.entries(took)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')}); ` +
        `first recompute (with the label-free refit) ${int(first.resources)} resources in ${firstS.toFixed(1)} s (${first.failed} failed). ${int(labels)} review labels on ${int(sample.size)} sampled resources (10%), organization refitted, ` +
        `recompute of all in ${secondS.toFixed(1)} s. Measured on the ${int(heldOut.length)} held-out resources.`,
      ``,
      table(['owner type', 'run', 'accuracy', 'high-band precision', 'coverage (>= medium)', 'calibration error (ECE)'], rows),
      ``,
      `Targets (team, importers, learned): high-band precision >= 0.95 ${mark(team.high_precision >= 0.95)} ${f3(team.high_precision)}; ECE <= 0.05 ${mark(team.ece <= 0.05)} ${f3(team.ece)}; coverage >= 0.80 ${mark(team.coverage >= 0.8)} ${f3(team.coverage)}.`,
      ...(notes.length ? ['', 'Importer problems:', '', ...notes.map((n) => `- ${n}`)] : []),
    ].join('\n');
  } finally {
    await db.close();
    await store.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('ownership-accuracy', await benchOwnershipAccuracy());
}
