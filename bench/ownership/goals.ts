// The ownership goals the benchmarks judge every shape and seed by, per owner type.
import type { OwnerType } from '../../src/ownership/owner-type.js';

export const GOALS = {
  /** ECE before any review, at most. */
  eceBeforeReview: 0.05,
  /** ECE after 10% reviewed at random, on the other 90%, at most. */
  eceAfterReview: 0.03,
  /** Right answers among those in the high band after 10% reviewed, at least. */
  highBandPrecision: 0.95,
  /** Share of right answers given at medium confidence or more after 10% reviewed, at least (rightAtMediumIsGoal). */
  rightAtMedium: 0.85,
} as const;

/** Whether "right at >= medium" is a goal for the type: not for users, whose answers rest mostly on CloudTrail. */
export const rightAtMediumIsGoal = (type: OwnerType) => type !== 'user';
