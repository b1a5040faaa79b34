// Reliabilities as Beta distributions (signal-kinds/kind.ts): their mean, and a mean moved at the same strength. Pure.
import type { Beta } from './signal-kinds/kind.js';

export const betaMean = (b: Beta): number => b.alpha / (b.alpha + b.beta);

/** `b` with mean `m`, worth as many labels as before. */
export function withMean(b: Beta, m: number): Beta {
  const strength = b.alpha + b.beta;
  return { alpha: m * strength, beta: (1 - m) * strength };
}

/**
 * `fitted` moved toward an estimate of its rate, each weighed by what it is worth in labels (`worth` the fit's,
 * `rateWorth` the estimate's), at the fit's strength.
 */
export function towardRate(fitted: Beta, worth: number, rate: number, rateWorth: number): Beta {
  return withMean(fitted, (worth * betaMean(fitted) + rateWorth * rate) / (worth + rateWorth));
}
