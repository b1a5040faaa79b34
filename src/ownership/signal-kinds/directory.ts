// The team directory: no votes of its own, but every user vote reads it (who left, which teams a user is in) and
// the population of each owner type is the prior's denominator.
import type { SignalKindModule } from './kind.js';

export const directory: SignalKindModule<never> = {
  priors: {},
  vote: () => [],
  lead: () => '',
  clause: () => '',
  evidenceVersions: (evidence) => [
    ...(evidence.directory?.users ?? []).map((u) => ({ source: u.source, id: `user:${u.handle}`, version: u.version })),
    ...(evidence.directory?.teams ?? []).map((t) => ({ source: t.source, id: `team:${t.handle}`, version: t.version })),
  ],
};
