// The team directory: no votes of its own, but every user vote reads it (who left, which teams a user is in), an owner
// tag may name a team only the directory knows as one, and the population of each owner type is the prior's
// denominator. Its entries reach an inference's evidence versions through the votes that went through them
// (`Vote.depends_on`): the directory as a whole is never listed.
import type { SignalKindModule } from './kind.js';

export const directory: SignalKindModule<never> = {
  priors: {},
  vote: () => [],
  lead: () => '',
  clause: () => '',
};
