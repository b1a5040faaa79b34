// The ownership goals the benchmarks judge every shape and seed by, per owner type.
import type { OwnerType } from '../../src/ownership/owner-type.js';

const GOALS = {
  /** ECE before any review, at most. */
  eceBeforeReview: 0.05,
  /** ECE after 10% reviewed at random, on the other 90%, at most. */
  eceAfterReview: 0.03,
  /** Right answers among those in the high band after 10% reviewed, at least. */
  highBandPrecision: 0.95,
  /** Share of right answers given at medium confidence or more after 10% reviewed, at least; not for users, whose answers rest mostly on CloudTrail. */
  rightAtMedium: 0.85,
} as const;

/** What one owner type's goals are judged on, on one shape and seed. */
export interface TypeGoalFigures {
  /** ECE before any review. */
  before: number;
  /** After 10% reviewed at random, on the other 90%. */
  after: number;
  highPrecision: number;
  rightAtMedium: number;
}

export type TypeGoalName = 'before review ECE' | '10% reviewed ECE' | 'high-band precision' | 'right at >= medium';

export interface TypeGoalResult {
  name: TypeGoalName;
  value: number;
  goal: number;
  ok: boolean;
}

/** Each goal of the owner type, with its figure and whether the figure meets it (meeting it exactly counts). */
export function typeGoals(type: OwnerType, f: TypeGoalFigures): TypeGoalResult[] {
  const atMost = (name: TypeGoalName, value: number, goal: number) => ({ name, value, goal, ok: value <= goal });
  const atLeast = (name: TypeGoalName, value: number, goal: number) => ({ name, value, goal, ok: value >= goal });
  return [
    atMost('before review ECE', f.before, GOALS.eceBeforeReview),
    atMost('10% reviewed ECE', f.after, GOALS.eceAfterReview),
    atLeast('high-band precision', f.highPrecision, GOALS.highBandPrecision),
    ...(type === 'user' ? [] : [atLeast('right at >= medium', f.rightAtMedium, GOALS.rightAtMedium)]),
  ];
}
