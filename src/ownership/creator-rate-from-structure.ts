// How often a user creator owns what they built, from the organization's own structure: inside the team answer, from
// the share of creators outside it (withCreatorRateFromStructure); outside it, from how doubtful the team answers they
// stand against are (withOutsideCreatorRateFromTeams). Pure; the organization's fit (org-model-fit.ts) moves the user
// creator classes' label-free rates by them.
import type { LabelModelFit, LabelModelItem } from './label-model.js';
import { betaMean, towardRate } from './beta.js';

/**
 * How many review labels the organization's share of creators outside the team answer is worth, as an estimate of how
 * often a creator inside it is the owner (withCreatorRateFromStructure). Its error on the benchmark's shapes, up to
 * 0.07, is a few dozen labels' at such rates; 25 and 50 measured the same within 0.01 of summed user ECE.
 */
export const OUTSIDE_SHARE_WORTH = 25;

/** The user class of creators outside the team answer (voteClassOf). */
const OUTSIDE_CREATOR = 'creator:outside';

/** The share of creator votes naming someone outside the team answer (`creator:outside`), people who left aside. */
export function outsideCreatorShare(items: LabelModelItem[]): { share: number; votes: number } {
  let inside = 0;
  let outside = 0;
  for (const item of items)
    for (const v of item.votes) {
      if (v.vote_class === 'creator') inside++;
      else if (v.vote_class === OUTSIDE_CREATOR) outside++;
    }
  const votes = inside + outside;
  return { share: votes === 0 ? 0 : outside / votes, votes };
}

/**
 * The user creator class's rate, its label-free fit moved toward 1 minus the share of creators outside the team
 * answer, each weighed by what it is worth in labels: the fit by its agreement's worth (LabelModelFit.information), the
 * share by OUTSIDE_SHARE_WORTH. Its strength is kept; its worth becomes the two together.
 *
 * Why: a creator's rate is learnt from where it meets other sources, and where owner tags are scarce it mostly meets
 * only modifiers, so the prior decided it (fitted 0.74 against 0.87 true on `sparse-tags`, 0.68 against 0.52 on
 * `platform-built`). How often people build what they do not own shows in the organization's own evidence: the share
 * of creators outside the team answer, 0.07-0.16 where people build for their own team and about 0.5 where a platform
 * team builds for others, and 1 minus it is within 0.07 of an inside creator's true rate on 23 of the benchmark's 24
 * shapes and seeds. Where the creator meets owner tags often, the fit is worth more and keeps its rate. Measured over
 * the 24: summed user ECE before review 0.913 -> 0.791 and after 10% reviewed (mean of three tenths) 0.665 -> 0.641,
 * better or the same on every shape summed over its seeds.
 *
 * Why the worth grows: labels then move the rate as far as they outweigh all that stands behind it
 * (shrinkTowardLabelFree), and the share stands behind it as much as agreement does. Counting agreement alone, a few
 * dozen labels moved a rate the share had settled most of the way to their own noisy one: over 7 shapes x 12 seeds,
 * summed user ECE after 10% reviewed 2.383 -> 2.339 (`sparse-tags` 0.493 -> 0.452), Brier after review better or
 * the same on every shape, nothing before review changed.
 */
export function withCreatorRateFromStructure(
  fit: Pick<LabelModelFit, 'classes' | 'information'>,
  items: LabelModelItem[],
): Pick<LabelModelFit, 'classes' | 'information'> {
  const fitted = fit.classes['creator'];
  const { share, votes } = outsideCreatorShare(items);
  if (!fitted || votes === 0) return fit;
  const worth = fit.information['creator'] ?? 0;
  return {
    classes: { ...fit.classes, creator: towardRate(fitted, worth, 1 - share, OUTSIDE_SHARE_WORTH) },
    information: { ...fit.information, creator: worth + OUTSIDE_SHARE_WORTH },
  };
}

/**
 * The mean doubt (1 - posterior) of the team answers that creators outside them stand against: `teamDoubts[i]` is that
 * of `items[i]`'s resource, undefined where it has no team answer.
 */
export function outsideCreatorDoubt(items: LabelModelItem[], teamDoubts: readonly (number | undefined)[]): { doubt: number; votes: number } {
  let doubt = 0;
  let votes = 0;
  items.forEach((item, i) => {
    const d = teamDoubts[i];
    if (d === undefined || !item.votes.some((v) => v.vote_class === OUTSIDE_CREATOR)) return;
    doubt += d;
    votes++;
  });
  return { doubt: votes === 0 ? 0 : doubt / votes, votes };
}

/**
 * The user class of creators outside the team answer, its label-free rate raised to the mean doubt of the team answers
 * they stand against times the creator's rate (outsideCreatorDoubt), weighed as withCreatorRateFromStructure weighs
 * its share (OUTSIDE_SHARE_WORTH); never lowered by it.
 *
 * Why: such a creator owns the resource only where the team answer is wrong, so their rate is about how often those
 * answers are wrong times how often a creator is right. Their votes mostly stand alone, so agreement left the class at
 * its prior, 0.07-0.14 where they were right 0.18-0.46 of the time (`sparse-tags`, `untagged`). Why only raised: the
 * team answers' posteriors are over-sure exactly where a creator disagrees with them, so the estimate falls short of
 * the rate; lowering the class to it took `small-startup`, whose team answers are sure, further from its truth (0.02
 * against 0.03-0.08). Measured over 7 shapes x 12 seeds: summed user ECE before review 2.577 -> 2.366 and after 10%
 * reviewed (mean of three tenths) 2.146 -> 2.056, goals missed 62 -> 61; no shape worse beyond the seeds' noise.
 */
export function withOutsideCreatorRateFromTeams(
  fit: Pick<LabelModelFit, 'classes' | 'information'>,
  items: LabelModelItem[],
  teamDoubts: readonly (number | undefined)[],
): Pick<LabelModelFit, 'classes' | 'information'> {
  const fitted = fit.classes[OUTSIDE_CREATOR];
  const creator = fit.classes['creator'];
  const { doubt, votes } = outsideCreatorDoubt(items, teamDoubts);
  if (!fitted || !creator || votes === 0) return fit;
  const estimate = doubt * betaMean(creator);
  if (estimate <= betaMean(fitted)) return fit;
  const worth = fit.information[OUTSIDE_CREATOR] ?? 0;
  return {
    classes: { ...fit.classes, [OUTSIDE_CREATOR]: towardRate(fitted, worth, estimate, OUTSIDE_SHARE_WORTH) },
    information: { ...fit.information, [OUTSIDE_CREATOR]: worth + OUTSIDE_SHARE_WORTH },
  };
}
