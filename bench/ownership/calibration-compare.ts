// The calibration check's figures per shape and seed, the goals they miss, and how a run compares with a saved one
// per shape: a change is judged on every shape, and one that makes any shape worse is not a gain. Each figure also says
// whether it rose beyond what the seeds' own spread explains, as a change is often worse on one seed set and better on
// the next. Pure.
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { typeGoals } from './goals.js';

/** One owner type's calibration on one shape and seed. */
export interface TypeCalibration {
  /** ECE before any review. */
  before: number;
  /** ECE after the benchmark's 10% reviewed. */
  after: number;
  /** ECE after 10% reviewed, its mean over several random tenths (the benchmark's first). */
  afterMean: number;
  /** After the benchmark's 10% reviewed. */
  highPrecision: number;
  rightAtMedium: number;
  /** Brier score before any review and after the benchmark's 10% reviewed (TypeMetrics.brier); absent in older saved runs. */
  brierBefore?: number;
  brierAfter?: number;
}

export interface CalibrationRow {
  shape: string;
  seed: number;
  types: Record<OwnerType, TypeCalibration>;
}

/** The goals a row misses, as "user 10% reviewed ECE 0.046". */
export function goalsMissed(row: CalibrationRow): string[] {
  return OWNER_TYPES.flatMap((type) =>
    typeGoals(type, row.types[type])
      .filter((g) => !g.ok)
      .map((g) => `${type} ${g.name} ${g.value.toFixed(3)}`),
  );
}

export interface ShapeComparison {
  shape: string;
  type: OwnerType;
  /** ECE before review summed over the shape's seeds, in the saved run and this one. */
  before: [number, number];
  /** The mean ECE after 10% reviewed summed over the shape's seeds, in the saved run and this one. */
  afterMean: [number, number];
  /** The Brier scores before and after review summed over the shape's seeds, where both runs hold them. */
  brierBefore?: [number, number];
  brierAfter?: [number, number];
  /** Either ECE sum grew by more than `tolerance`. */
  worse: boolean;
  /** The figures that grew by more than their seeds' noise allows (risesBeyondNoise), as "ECE before review". */
  beyondNoise: string[];
}

/** The two-sided 95% points of Student's t for 1 to 11 degrees of freedom; beyond, the normal's. */
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2];

/**
 * Whether a figure measured on the same seeds before and after a change rose by more than chance explains: the mean
 * of its per-seed rises is above the 95% bound of a paired t test. One seed's draw moves a shape's ECE by more than most
 * changes do, and a rise on one seed set often turns into a fall on another; a rise every seed shows alike does not.
 * Fewer than three seeds never tell.
 */
export function risesBeyondNoise(pairs: [number, number][]): boolean {
  const n = pairs.length;
  if (n < 3) return false;
  const rises = pairs.map(([a, b]) => b - a);
  const mean = rises.reduce((s, d) => s + d, 0) / n;
  const variance = rises.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1);
  return mean > 0 && mean > (T95[n - 2] ?? 1.96) * Math.sqrt(variance / n);
}

/**
 * Per shape and owner type, the summed ECE before review and after review (mean of tenths) of `saved` and `current`,
 * over the shapes and seeds both hold. A sum that grew by more than `tolerance` marks the shape worse.
 */
export function compareRuns(saved: CalibrationRow[], current: CalibrationRow[], tolerance = 0.001): ShapeComparison[] {
  const key = (r: CalibrationRow) => `${r.shape}\u0000${r.seed}`;
  const savedByKey = new Map(saved.map((r) => [key(r), r]));
  const pairs = current.flatMap((r) => {
    const s = savedByKey.get(key(r));
    return s ? [{ shape: r.shape, saved: s, current: r }] : [];
  });
  const shapes = [...new Set(pairs.map((p) => p.shape))];
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return OWNER_TYPES.flatMap((type) =>
    shapes.map((shape) => {
      const of = pairs.filter((p) => p.shape === shape);
      const pairsOf = (pick: (t: TypeCalibration) => number | undefined): [number, number][] | undefined => {
        const values = of.map((p) => [pick(p.saved.types[type]), pick(p.current.types[type])]);
        return values.every(([a, b]) => a !== undefined && b !== undefined) ? (values as [number, number][]) : undefined;
      };
      const sums = (pick: (t: TypeCalibration) => number | undefined): [number, number] | undefined => {
        const values = pairsOf(pick);
        return values && [sum(values.map((v) => v[0])), sum(values.map((v) => v[1]))];
      };
      const figures: [string, (t: TypeCalibration) => number | undefined][] = [
        ['ECE before review', (t) => t.before],
        ['ECE after review', (t) => t.afterMean],
        ['Brier before review', (t) => t.brierBefore],
        ['Brier after review', (t) => t.brierAfter],
      ];
      const beyondNoise = figures.filter(([, pick]) => {
        const values = pairsOf(pick);
        return values !== undefined && risesBeyondNoise(values);
      });
      const before = sums((t) => t.before)!;
      const afterMean = sums((t) => t.afterMean)!;
      const brierBefore = sums((t) => t.brierBefore);
      const brierAfter = sums((t) => t.brierAfter);
      return {
        shape,
        type,
        before,
        afterMean,
        ...(brierBefore ? { brierBefore } : {}),
        ...(brierAfter ? { brierAfter } : {}),
        worse: before[1] - before[0] > tolerance || afterMean[1] - afterMean[0] > tolerance,
        beyondNoise: beyondNoise.map(([name]) => name),
      };
    }),
  );
}
