// `npm run bench:ownership`: the synthetic organization imported THROUGH THE IMPORTERS into a real store, inferred by
// the recompute service, review feedback on a 10% sample recorded as the feedback API records it, weights relearned,
// everything recomputed, and the held-out 90% measured per owner type; beside the in-memory evaluation's figures.
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inference } from '../../src/ownership/evidence.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { refitOrganization } from '../../src/ownership/use-cases/relearn.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { runRecompute } from '../../src/ownership/use-cases/run-recompute.js';
import { inferencesOfMany, type InferenceRow } from '../../src/store/ownership-inferences.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { generateSyntheticOrg, prng, type Truth } from './synthetic-org.js';
import { measure, type Prediction, type TypeMetrics } from './metrics.js';
import { reviewLabel } from './in-memory-eval.js';
import { evaluateCalibration } from './learning-eval.js';
import { orgShape } from './org-shapes.js';
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mark = (ok: boolean) => (ok ? '✅' : '❌');

export async function benchOwnershipAccuracy(resources = Number(process.env.BENCH_OWNERSHIP_RESOURCES ?? 10_000), seed = 42): Promise<string> {
  const shape = orgShape(process.env.BENCH_OWNERSHIP_SHAPE ?? 'baseline');
  const org = generateSyntheticOrg({ resources, seed, shape });
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
    const labelFree = metricsOf(heldOut, before, org.truth);

    // Review feedback on the sample through the feedback use case (what POST .../feedback runs), one label at a time,
    // timed: a label must cost the same whether it is the first or the last.
    let labels = 0;
    const labelMs: number[] = [];
    for (const id of [...sample].sort()) {
      for (const row of before.get(id) ?? []) {
        const label = reviewLabel({ owner_handle: row.owner_handle, votes: row.votes } as unknown as Inference, org.truth[id]?.[row.slot], row.slot);
        if (!label) continue;
        labels++;
        const started = performance.now();
        await submitFeedback(
          db,
          orgId,
          id,
          row.slot,
          {
            data: {
              type: 'ownership_feedback',
              attributes: {
                action: label.action,
                inference_checksum: row.checksum,
                ...(label.corrected_owner ? { corrected_owner_handle: label.corrected_owner, corrected_owner_type: row.slot } : {}),
              },
            },
          },
          { userHandle: 'bench-reviewer' },
        );
        labelMs.push(performance.now() - started);
      }
    }
    const now = Date.now();
    t = performance.now();
    await refitOrganization(db, orgId, now);
    const refitS = (performance.now() - t) / 1000;
    t = performance.now();
    await recomputeUntilEmpty(db, { orgId });
    const secondS = (performance.now() - t) / 1000;
    const learned = metricsOf(heldOut, await allInferences(db, orgId, ids), org.truth);
    const mem = evaluateCalibration({ resources, seed, shape: shape.name });
    const row = (type: OwnerType, run: string, m: TypeMetrics) => [
      type,
      run,
      f3(m.accuracy),
      `${f3(m.high_precision)} (n=${m.high_count})`,
      f3(m.coverage),
      f3(m.right_at_medium),
      f3(m.ece),
    ];
    const rows = OWNER_TYPES.flatMap((type) => [
      row(type, 'importers, before any review', labelFree[type]),
      row(type, 'importers, 10% reviewed', learned[type]),
      row(type, 'in-memory, before any review', mem.labelFree[type]),
      row(type, 'in-memory, 10% reviewed', mem.reviewed10[type]),
    ]);
    const goals = OWNER_TYPES.map((type) => {
      const checks = [
        `before review ECE ${f3(labelFree[type].ece)} ${mark(labelFree[type].ece <= 0.05)}`,
        `10% reviewed ECE ${f3(learned[type].ece)} ${mark(learned[type].ece <= 0.03)}`,
        `high-band precision ${f3(learned[type].high_precision)} ${mark(learned[type].high_precision >= 0.95)}`,
      ];
      if (type !== 'user') checks.push(`right at >= medium ${f3(learned[type].right_at_medium)} ${mark(learned[type].right_at_medium >= 0.85)}`);
      return `- ${type}: ${checks.join('; ')}`;
    });
    console.log(`ownership eval (${shape.name}): ${goals.join(' | ')}`);
    return [
      `### Ownership inference accuracy (\`npm run bench:ownership\`)`,
      ``,
      `Synthetic organization of shape \`${shape.name}\`, ${int(resources)} resources, seed ${seed}, imported through the importers (${Object.entries(
        took,
      )
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')}); ` +
        `\`steward ownership recompute\` (infer, refit to the organization's own evidence, infer again) ${int(first.resources)} resources in ${firstS.toFixed(1)} s (${first.failed} failed). ` +
        `${int(labels)} review labels on ${int(sample.size)} sampled resources (10%), submitted one by one through the feedback use case ` +
        `(p50 ${median(labelMs.slice(0, Math.ceil(labels / 10))).toFixed(1)} ms a label over the first tenth, ${median(labelMs.slice(-Math.ceil(labels / 10))).toFixed(1)} ms over the last: ` +
        `a label costs the same however many came before), organization refitted in ${refitS.toFixed(1)} s (reading every answer's votes and label from the store, then the fit), ` +
        `recompute of all in ${secondS.toFixed(1)} s. Measured on the ${int(heldOut.length)} held-out resources; the in-memory rows run the same functions without the store.`,
      ``,
      table(['owner type', 'run', 'accuracy', 'high-band precision', 'coverage (>= medium)', 'right at >= medium', 'ECE'], rows),
      ``,
      `Goals (importers):`,
      ``,
      ...goals,
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
