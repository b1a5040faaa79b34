// `npm run bench:ownership-shapes`: the learning evaluation (learning-eval.ts) on every organization shape, per owner
// type, against the goals: before any review ECE <= 0.05; after 10% reviewed at random ECE <= 0.03, high-band
// precision >= 0.95, and right answers at medium confidence or more >= 0.85 (team, service); with 5% reviewed in the
// review queue's order, a held-out accuracy gain at least twice that of 5% reviewed at random.
import { OWNER_TYPES } from '../../src/ownership/owner-type.js';
import { ORG_SHAPES, shapeSummary } from './org-shapes.js';
import { generateSyntheticOrg } from './synthetic-org.js';
import { evaluateLearning, type LearningEvaluation } from './learning-eval.js';
import { table } from '../lib/stats.js';
import { writeSection } from '../lib/readme.js';
import type { TypeMetrics } from './metrics.js';

const f3 = (x: number) => x.toFixed(3);
const mark = (ok: boolean) => (ok ? '✅' : '❌');
/** Each shape at its own size, at most this many resources so that every shape runs in a minute or two. */
const MAX_RESOURCES = Number(process.env.BENCH_SHAPES_MAX_RESOURCES ?? 3000);

function cells(m: TypeMetrics): string[] {
  return [f3(m.accuracy), `${f3(m.high_precision)} (n=${m.high_count})`, f3(m.right_at_medium), f3(m.ece)];
}

function goals(r: LearningEvaluation): string[] {
  const out: string[] = [];
  for (const type of OWNER_TYPES) {
    const checks = [
      `before review ECE ${f3(r.labelFree[type].ece)} ${mark(r.labelFree[type].ece <= 0.05)}`,
      `10% reviewed ECE ${f3(r.reviewed10[type].ece)} ${mark(r.reviewed10[type].ece <= 0.03)}`,
      `high-band precision ${f3(r.reviewed10[type].high_precision)} ${mark(r.reviewed10[type].high_precision >= 0.95)}`,
    ];
    if (type !== 'user')
      checks.push(`right at >= medium ${f3(r.reviewed10[type].right_at_medium)} ${mark(r.reviewed10[type].right_at_medium >= 0.85)}`);
    out.push(`${type}: ${checks.join('; ')}`);
  }
  const random = OWNER_TYPES.reduce((s, t) => s + r.gain5Random[t], 0);
  const queue = OWNER_TYPES.reduce((s, t) => s + r.gain5Queue[t], 0);
  out.push(
    `5% reviewed, held-out accuracy gain summed over owner types: queue order ${f3(queue)}, at random ${f3(random)} ${mark(queue > 0 && queue >= 2 * random)}`,
  );
  return out;
}

export async function benchOwnershipShapes(seed = 42): Promise<string> {
  const sections: string[] = [
    '### Ownership accuracy across organization shapes (`npm run bench:ownership-shapes`)',
    '',
    `Each shape generated at its own size (at most ${MAX_RESOURCES.toLocaleString('en-US')} resources), seed ${seed}, inferred in memory by the ` +
      `same functions the service runs. Rows: the priors alone; the label model fitted to the organization's own evidence (before any review); ` +
      `after 10% of resources reviewed at random (measured on the other 90%). "Right at >= medium" is the share of right answers given ` +
      `with confidence 0.6 or more. The last line compares 5% reviewed in the review queue's order with 5% at random.`,
  ];
  for (const shape of ORG_SHAPES) {
    const resources = Math.min(shape.sizes.resources, MAX_RESOURCES);
    const started = performance.now();
    const r = evaluateLearning({ resources, seed, shape: shape.name });
    const model = generateSyntheticOrg({ resources, seed, shape: shape.name, modelOnly: true }).model;
    console.log(`${shape.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const rows = OWNER_TYPES.flatMap((type) => [
      [type, 'priors', ...cells(r.priors[type])],
      [type, 'label-free', ...cells(r.labelFree[type])],
      [type, '10% reviewed', ...cells(r.reviewed10[type])],
    ]);
    sections.push(
      '',
      `#### \`${shape.name}\``,
      '',
      shapeSummary(shape, model),
      '',
      table(['owner type', 'run', 'accuracy', 'high-band precision', 'right at >= medium', 'ECE'], rows),
      '',
      ...goals(r).map((g) => `- ${g}`),
    );
  }
  return sections.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('ownership-shapes', await benchOwnershipShapes());
}
