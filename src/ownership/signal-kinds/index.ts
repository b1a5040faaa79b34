// Every signal kind, in the order the engine asks them for votes (which orders votes that tie). A new kind is one
// module here and one line below, and its loader in loaders.ts.
import type { Beta, SignalKindModule } from './kind.js';
import { ownerTag } from './owner-tag.js';
import { preferenceMapping } from './preference-mapping.js';
import { catalog } from './catalog.js';
import { cloudtrail } from './cloudtrail.js';
import { codeowners } from './codeowners.js';
import { naming } from './naming.js';
import { directory } from './directory.js';

export const SIGNAL_KIND_MODULES = [ownerTag, preferenceMapping, catalog, cloudtrail, codeowners, naming, directory] as const;

type KindsOf<M> = M extends SignalKindModule<infer K> ? K : never;

/**
 * Each way a piece of evidence can name an owner. Derived paths are their own kinds (`*_membership`: a user named by
 * that signal implies their teams) because how often they are right differs from the signal they start from, and
 * feedback learns each separately.
 */
export type SignalKind = KindsOf<(typeof SIGNAL_KIND_MODULES)[number]>;

export const SIGNAL_KINDS: readonly SignalKind[] = SIGNAL_KIND_MODULES.flatMap((m) => Object.keys(m.priors) as SignalKind[]);

/** Prior reliability of each signal: the chance it names the true owner (each module says why). */
export const DEFAULT_PRIORS = Object.fromEntries(SIGNAL_KIND_MODULES.flatMap((m) => Object.entries(m.priors as Record<string, Beta>))) as Record<
  SignalKind,
  Beta
>;

/** The module that emits a vote kind. */
export function moduleOf(kind: SignalKind): SignalKindModule {
  return SIGNAL_KIND_MODULES.find((m) => kind in m.priors)! as SignalKindModule;
}
