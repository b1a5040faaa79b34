// How often a service named in a resource's name is right, from the organization's own evidence: the catalog's team
// of each named service against the resource's team answer (namedServiceRate). Pure; the organization's fit
// (org-model-fit.ts) moves the service naming class's label-free rate by it, and starts its fit with labels from there
// where names agree with nothing (priorsForLabels).
import type { Beta } from './signal-kinds/kind.js';
import type { LabelModelFit } from './label-model.js';
import type { SourceVote } from './evidence.js';
import { towardRate, withMean, betaMean } from './beta.js';

const lower = (s: string) => s.toLowerCase();

/**
 * At most how many review labels the catalog's agreement with the team answers is worth, as an estimate of how often a
 * service named in a resource's name is right (withNamingRateFromCatalog); less where fewer team answers back it. One:
 * it decides where names agree with nothing, and moves little where they meet tags, as the estimate strays by up to
 * 0.2 (a stale catalog, a platform team's answers). Over the benchmark's shapes and four seeds, 25, 5 and 2 labels
 * raised `sparse-tags`' summed service ECE before review by 0.021, 0.005 and 0.003; one by 0.001, lowering every
 * other shape's or keeping it.
 */
export const CATALOG_AGREEMENT_WORTH = 1;

/** A resource's team answer under the label-free fit. */
export interface TeamAnswer {
  handle: string;
  posterior: number;
}

/**
 * How often a service named in a resource's name is right here, from the organization's own evidence: the catalog's
 * team of a rightly named service is the resource's team about as often as the team answer is right, and that of a
 * wrongly named one seldom is. So the share of named services whose catalog team is the team answer, over the team
 * answers' summed posteriors, estimates it (at most 0.99). A catalog entry agreeing with less than
 * STALE_ENTRY_AGREEMENT of its resources' team answers (of their summed posteriors) is taken for stale and left out:
 * its resources say nothing of their names. `worth`: the summed posteriors counted.
 */
export function namedServiceRate(
  serviceVotes: readonly { resource_id: string; votes: SourceVote[] }[],
  teamAnswers: ReadonlyMap<string, TeamAnswer>,
  serviceTeams: ReadonlyMap<string, string>,
): { rate: number; worth: number } | undefined {
  const perService = new Map<string, { agreeing: number; expected: number }>();
  for (const v of serviceVotes) {
    const team = teamAnswers.get(v.resource_id);
    if (!team) continue;
    for (const vote of v.votes) {
      if ((vote.vote_class ?? vote.kind) !== 'naming') continue;
      const service = lower(vote.owner_handle);
      const catalogTeam = serviceTeams.get(service);
      if (catalogTeam === undefined) continue;
      const tally = perService.get(service) ?? { agreeing: 0, expected: 0 };
      if (catalogTeam === team.handle) tally.agreeing++;
      tally.expected += team.posterior;
      perService.set(service, tally);
    }
  }
  let agreeing = 0;
  let expected = 0;
  for (const tally of perService.values()) {
    if (tally.agreeing < STALE_ENTRY_AGREEMENT * tally.expected) continue;
    agreeing += tally.agreeing;
    expected += tally.expected;
  }
  return expected === 0 ? undefined : { rate: Math.min(0.99, agreeing / expected), worth: expected };
}

/**
 * Below this share of its resources' team answers (their summed posteriors) agreeing with it, a catalog entry is taken
 * for stale by namedServiceRate: a stale entry agrees with almost none of its resources, a right one with about as many
 * as are rightly named and rightly answered. Measured on the benchmark's shapes and seeds, the estimate counting every
 * entry strayed up to 0.43 below the names' true rate (`high-churn`, a stale catalog) and, leaving those below a quarter
 * out, up to 0.06 from it; at a half, services whose names are often wrong fell below it by chance and the estimate
 * rose above the rate.
 */
export const STALE_ENTRY_AGREEMENT = 0.25;

/**
 * The service naming class's rate, its label-free fit moved toward namedServiceRate's estimate, each weighed by what
 * it is worth in labels: the fit by its agreement's worth (LabelModelFit.information), the estimate by its worth up to
 * CATALOG_AGREEMENT_WORTH. Its strength and its information are kept.
 *
 * Why: where no resource carries a service tag, a service answer rests on its name alone, and one source agrees with
 * nothing: its fit stayed at the prior (0.30) while names were right 0.91-0.98 of the time on the benchmark's shapes
 * with their tags taken away (service ECE before review 0.59-0.69). The catalog and the team answer are the
 * organization's own evidence on it. Where service tags meet names, their agreement is worth hundreds of labels and
 * keeps its rate.
 */
export function withNamingRateFromCatalog(
  fit: Pick<LabelModelFit, 'classes' | 'information'>,
  estimate: { rate: number; worth: number } | undefined,
): Pick<LabelModelFit, 'classes' | 'information'> {
  const fitted = fit.classes['naming'];
  if (!fitted || !estimate) return fit;
  const worth = fit.information['naming'] ?? 0;
  // The class's information stays its agreement's: priorsForLabels reads it as that.
  const naming = towardRate(fitted, worth, estimate.rate, Math.min(CATALOG_AGREEMENT_WORTH, estimate.worth));
  return { classes: { ...fit.classes, naming }, information: fit.information };
}

/**
 * The priors of the fit with labels: the service naming class, where its agreement is worth less than the catalog's
 * estimate (CATALOG_AGREEMENT_WORTH; names agree with nothing where nothing is tagged), starts from its label-free rate
 * at its prior's strength. Its fit with labels is then that rate and its labels, where it was its 0.30 prior and its
 * labels: names right 0.96-0.99 of the time were learnt at 0.91-0.92 from 10% reviewed, below the 0.98 they had before
 * any review (service ECE after 10% reviewed 0.062 and 0.063 on `untagged` seeds 7 and 11; 0.021 and 0.026 so). The
 * creator's estimate (withCreatorRateFromStructure) is not carried over so: it raised the user ECE after review.
 */
export function priorsForLabels(priors: Record<string, Beta>, labelFree: Pick<LabelModelFit, 'classes' | 'information'>): Record<string, Beta> {
  const prior = priors['naming'];
  const rate = labelFree.classes['naming'];
  if (!prior || !rate || (labelFree.information['naming'] ?? 0) >= CATALOG_AGREEMENT_WORTH) return priors;
  return { ...priors, naming: withMean(prior, betaMean(rate)) };
}
