// Answers that stay out of the high band whatever their calibrated confidence. Pure.
//
// The high band is what auto-tagging acts on, so an answer there should be right nearly always. A user answer resting
// on CloudTrail principals alone (the person who created or changed the resource) is right less often than that even
// when everything about it is learnt right: people build for their teammates. Measured on the benchmark's shapes, a
// lone creator inside the team answer's teams is the owner 0.58-0.94 of the time (0.87-0.90 where the organization is
// tidy), so calibrated it would sit in the high band and be wrong there one time in eight. Kept at the top of the
// medium band it reads at most a few hundredths low, and any other source naming the same person lifts it. A team
// answer resting on those people's teams alone is held alike (PRINCIPAL_MEMBERSHIP_KINDS).
import { HIGH_ABOVE } from './confidence-bands.js';
import type { OwnerType } from './owner-type.js';
import type { Vote } from './signal-kinds/kind.js';

/** The user vote kinds that, on their own, never make an answer high. */
export const PRINCIPAL_KINDS: readonly string[] = ['creator', 'modifier'];

/**
 * The team vote kinds that, on their own, never make an answer high: the teams of the person who created or changed
 * the resource. Measured on the benchmark's shapes (two seeds each), the team answers resting on them alone that
 * calibration would put in the high band are right 0.79-0.90 of the time on most (0.97-1.00 on a few): people build
 * for other teams, and a person in several teams names each.
 */
export const PRINCIPAL_MEMBERSHIP_KINDS: readonly string[] = ['creator_membership', 'modifier_membership'];

const HELD_KINDS: Partial<Record<OwnerType, readonly string[]>> = { user: PRINCIPAL_KINDS, team: PRINCIPAL_MEMBERSHIP_KINDS };

/** The highest confidence an answer resting on `votes` (the winner's) may have: `HIGH_ABOVE`, or 1 when nothing holds it. */
export function confidenceCeiling(type: OwnerType, votes: Pick<Vote, 'kind'>[]): number {
  const held = HELD_KINDS[type];
  return held && votes.length > 0 && votes.every((v) => held.includes(v.kind)) ? HIGH_ABOVE : 1;
}

/** The sentence an explanation adds when the ceiling lowered the confidence. */
export const CEILING_NOTE =
  ' Resting on CloudTrail alone, it is kept below the high band: whoever creates or changes a resource often does it for a teammate.';

/** The same for a team answer. */
export const TEAM_CEILING_NOTE =
  ' Resting on CloudTrail alone, it is kept below the high band: whoever creates or changes a resource often does it for another team, or works in several.';

/** The sentence for an answer of `type` the ceiling lowered. */
export function ceilingNote(type: OwnerType): string {
  return type === 'team' ? TEAM_CEILING_NOTE : CEILING_NOTE;
}
