// `npm run bench:ownership-calibration`: the calibration goals alone on every organization shape and seed (before any
// review, after 10% reviewed, its mean over several random tenths), in a few minutes where the shapes bench takes
// several times as long, for trying a change to the label model or its priors. It writes nothing into bench/README.md:
// `BENCH_CALIBRATION_SAVE=file.json` keeps a run, and `BENCH_CALIBRATION_AGAINST=file.json` compares this run with a
// kept one per shape, marking every shape it makes worse and the figures that rose beyond the seeds' noise.
// `BENCH_CALIBRATION_TENTHS` sets how many tenths (3); `BENCH_SHAPES_SEEDS` the seeds (the shapes bench's four).
import { readFileSync, writeFileSync } from 'node:fs';
import { OWNER_TYPES } from '../../src/ownership/owner-type.js';
import { ORG_SHAPES } from './org-shapes.js';
import { SEEDS, shapeSize } from './shapes.js';
import { runOnWorkers } from '../lib/worker-pool.js';
import { table } from '../lib/stats.js';
import { compareRuns, goalsMissed, type CalibrationRow } from './calibration-compare.js';
import type { CalibrationTask } from './calibration-check-task.js';

const TENTHS = Number(process.env.BENCH_CALIBRATION_TENTHS ?? 3);
const f3 = (x: number) => x.toFixed(3);

const tasks: CalibrationTask[] = ORG_SHAPES.flatMap((shape) =>
  SEEDS.map((seed) => ({ shape: shape.name, seed, resources: shapeSize(shape), tenths: TENTHS })),
);
const started = Date.now();
const rows = await runOnWorkers<CalibrationTask, CalibrationRow>(new URL('./calibration-check-task.ts', import.meta.url).href, tasks, {
  onDone: (t, _, ms) => console.error(`${t.shape}, seed ${t.seed}: ${(ms / 1000).toFixed(1)} s`),
});

console.log(
  table(
    ['shape', 'seed', ...OWNER_TYPES.map((t) => `${t}: before / after (mean of ${TENTHS}) / high band`), 'goals missed'],
    rows.map((r) => [
      r.shape,
      String(r.seed),
      ...OWNER_TYPES.map((t) => `${f3(r.types[t].before)} / ${f3(r.types[t].after)} (${f3(r.types[t].afterMean)}) / ${f3(r.types[t].highPrecision)}`),
      goalsMissed(r).join('; ') || '-',
    ]),
  ),
);
const sum = (pick: (r: CalibrationRow) => number) => f3(rows.reduce((s, r) => s + pick(r), 0));
console.log(
  `\nSummed ECE over ${rows.length} shapes and seeds: ` +
    OWNER_TYPES.map(
      (t) => `${t} ${sum((r) => r.types[t].before)} before, ${sum((r) => r.types[t].after)} after (${sum((r) => r.types[t].afterMean)} on the mean)`,
    ).join('; ') +
    `. Goals missed: ${rows.reduce((s, r) => s + goalsMissed(r).length, 0)}. ${((Date.now() - started) / 1000).toFixed(0)} s.`,
);

const against = process.env.BENCH_CALIBRATION_AGAINST;
if (against) {
  const saved = JSON.parse(readFileSync(against, 'utf8')) as CalibrationRow[];
  const comparison = compareRuns(saved, rows);
  console.log(
    `\nAgainst ${against}, summed over each shape's seeds:\n\n` +
      table(
        [
          'owner type',
          'shape',
          'ECE before review',
          `ECE after review (mean of ${TENTHS})`,
          'Brier before review',
          'Brier after review',
          '',
          "rose beyond the seeds' noise",
        ],
        comparison.map((c) => [
          c.type,
          c.shape,
          `${f3(c.before[0])} -> ${f3(c.before[1])}`,
          `${f3(c.afterMean[0])} -> ${f3(c.afterMean[1])}`,
          c.brierBefore ? `${f3(c.brierBefore[0])} -> ${f3(c.brierBefore[1])}` : '-',
          c.brierAfter ? `${f3(c.brierAfter[0])} -> ${f3(c.brierAfter[1])}` : '-',
          c.worse ? 'worse' : '',
          c.beyondNoise.join(', '),
        ]),
      ),
  );
  console.log(
    `\nShapes made worse: ${comparison.filter((c) => c.worse).length} of ${comparison.length}; ` +
      `worse beyond the seeds' noise (a paired t test at 95%): ${comparison.filter((c) => c.beyondNoise.length > 0).length}.`,
  );
}
const save = process.env.BENCH_CALIBRATION_SAVE;
if (save) writeFileSync(save, JSON.stringify(rows, null, 1) + '\n');
