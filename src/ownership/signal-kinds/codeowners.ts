// CODEOWNERS: of the Terraform root module that manages the resource (`iac`), and of the repository whose pipeline
// deployed it (`ci`: how automation is followed to its team).
import type { CodeownersPiece, CodeownersRuleMatch } from '../evidence.js';
import type { SignalKind } from './index.js';
import type { Vote, VoteDetail, SignalKindModule } from './kind.js';
import { ref, visibleName } from './kind.js';
import type { OwnerType } from '../owner-type.js';
import { code } from '../markdown-code.js';

/**
 * A Terraform root matched only by a catch-all rule (`* @org/platform`) is owned by whoever reviews the whole
 * repository, often a platform or admin team, not necessarily by whoever owns that folder: such a vote counts
 * `CATCH_ALL_FACTOR` times the kind's reliability (0.48 against 0.80 for a specific pattern with the default priors,
 * below a pipeline repository's owners, 0.75). The kind stays `iac_codeowners`, so learnt weights keep their names;
 * the factor applies on top of the learnt reliability. A pipeline's repository (`ci`) is read at its root, which only
 * a catch-all can match: its prior is already that of a repository's default owners, so it is not discounted again.
 */
export const CATCH_ALL_FACTOR = 0.6;

/**
 * The share of a team's resources one person named by its CODEOWNERS rule is behind, for the user type: one over the
 * organization's people per team. A rule speaks for a whole folder or repository, so a person on it reviews everything
 * the team keeps there, while each resource is one team member's. 1 when the population is not known.
 */
export function reviewerShare(population: Partial<Record<OwnerType, number>> | undefined): number {
  const teams = population?.team;
  const users = population?.user;
  return teams && users && users > teams ? teams / users : 1;
}

/** A pattern that matches every path: nothing but `*` and `/` (`*`, `/`, `**`, `/*`, `/**`, `**\/*`). */
export function isCatchAllPattern(pattern: string): boolean {
  return /^[*/]*$/.test(pattern.trim());
}

/** A CODEOWNERS owner as written (`@org/team`, `@user` or an email), as it reads (visibleName). */
function parseCodeowner(written: string): { type: 'team' | 'user'; handle: string } {
  const raw = visibleName(written);
  if (raw.startsWith('@') && raw.includes('/')) return { type: 'team', handle: raw.slice(raw.indexOf('/') + 1) };
  if (raw.startsWith('@')) return { type: 'user', handle: raw.slice(1) };
  return { type: 'user', handle: raw };
}

/** The rules a piece matched; a piece without them (older callers) is one rule of its pattern and owners. */
function rulesOf(piece: CodeownersPiece): Array<Omit<CodeownersRuleMatch, 'line'> & { line?: number }> {
  if (piece.rules) return [...piece.rules].sort((a, b) => a.line - b.line);
  return [{ pattern: piece.pattern ?? '', owners: piece.owners, catch_all: piece.pattern !== undefined && isCatchAllPattern(piece.pattern) }];
}

/** The rule as its line reads: the pattern (spaces escaped) and its owners. */
function ruleText(rule: { pattern: string; owners: string[] }): string {
  return [rule.pattern.replace(/[\\ ]/g, '\\$&'), ...rule.owners].join(' ').trim();
}

/** ``line 12 `/infra/` `` (or the pattern alone when the line is unknown). */
function ruleRef(v: Vote): string {
  const { line, pattern } = v.detail;
  if (pattern === undefined || pattern === '') return '';
  return line !== undefined ? `line ${line} ${code(pattern)}` : code(pattern);
}

export const codeowners: SignalKindModule<'ci_codeowners' | 'iac_codeowners'> = {
  // CODEOWNERS are maintained by the repository's owners: fairly reliable. 0.75 for a pipeline's
  // repository (one repo may deploy for others), 0.80 for the Terraform root folder (a catch-all: see CATCH_ALL_FACTOR).
  priors: {
    ci_codeowners: { alpha: 7.5, beta: 2.5 },
    iac_codeowners: { alpha: 8, beta: 2 },
  },
  vote(evidence, ctx) {
    const r = ctx.reliability;
    // A person on a rule is one of the team members its resources belong to (reviewerShare).
    const share = reviewerShare(evidence.directory?.population);
    const votes: Vote[] = [];
    const pieces = [...(evidence.codeowners ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    // The repository that holds the resource's Terraform root says who owns that folder; its root rule, read again
    // as the pipeline's repository, is the same file's weaker answer and not an independent vote (last match wins).
    const iacRepos = new Set(pieces.filter((p) => p.origin === 'iac').map((p) => p.repository.toLowerCase()));
    for (const origin of ['ci', 'iac'] as const) {
      const kind: SignalKind = origin === 'ci' ? 'ci_codeowners' : 'iac_codeowners';
      for (const piece of pieces.filter((p) => p.origin === origin)) {
        if (origin === 'ci' && iacRepos.has(piece.repository.toLowerCase())) continue;
        const evidenceRef = ref(piece, piece.id);
        for (const rule of rulesOf(piece)) {
          const factor = origin === 'iac' && rule.catch_all ? CATCH_ALL_FACTOR : 1;
          const detail: VoteDetail = {
            repository: piece.repository,
            path: piece.path,
            principal: undefined,
            ...(rule.line !== undefined ? { line: rule.line } : {}),
            ...(rule.pattern ? { pattern: rule.pattern, catch_all: rule.catch_all } : {}),
          };
          const where = origin === 'ci' ? `, whose pipeline deployed this resource` : `, the Terraform root module that manages this resource`;
          const cite = `CODEOWNERS ${rule.line !== undefined ? `line ${rule.line} ` : ''}${code(ruleText(rule))} of ${code(piece.repository)}${where}`;
          for (const raw of [...rule.owners].sort()) {
            const owner = parseCodeowner(raw);
            if (owner.type === 'team') {
              votes.push({
                owner_type: 'team',
                handle: owner.handle,
                kind,
                reliability: r(kind) * factor,
                evidence: evidenceRef,
                detail: { ...detail, written_as: raw },
                cite,
              });
            } else {
              const userVotes = ctx.userVotes(
                owner.handle,
                kind,
                kind,
                r(kind) * factor * share,
                r(kind) * r('owner_tag_membership') * factor,
                evidenceRef,
                {
                  ...detail,
                  written_as: raw,
                },
              );
              votes.push(...userVotes.map((v) => (v.owner_type === 'user' ? { ...v, cite } : v)));
            }
          }
        }
      }
    }
    return votes;
  },
  lead(who, v) {
    const d = v.detail;
    const rule = ruleRef(v);
    if (v.kind === 'ci_codeowners') {
      return `${who} is the CODEOWNER (${code(d.written_as)}${rule ? `, ${rule}` : ''}) of ${code(d.repository)}, the repository whose pipeline deployed this resource`;
    }
    const root = `of ${code(d.path)} in ${code(d.repository)}, the Terraform root module that manages this resource`;
    return d.catch_all
      ? `${who} is the CODEOWNER (${code(d.written_as)}) ${root}, only through the catch-all rule${rule ? ` (${rule})` : ''}, which counts less than a specific pattern`
      : `${who} is the CODEOWNER (${code(d.written_as)}${rule ? `, ${rule}` : ''}) ${root}`;
  },
  clause: (v) =>
    v.kind === 'ci_codeowners'
      ? `CODEOWNERS of ${code(v.detail.repository)}, whose pipeline deployed it, agree`
      : `CODEOWNERS of its Terraform root ${code(v.detail.path)} agree${v.detail.catch_all ? ' through a catch-all rule' : ''}`,
};
