// CODEOWNERS: of the Terraform root module that manages the resource (`iac`), and of the repository whose pipeline
// deployed it (`ci`: how automation is followed to its team).
import type { SignalKind } from './index.js';
import type { Vote, VoteDetail, SignalKindModule } from './kind.js';
import { ref } from './kind.js';

/** A CODEOWNERS owner as written: `@org/team`, `@user` or an email. */
function parseCodeowner(raw: string): { type: 'team' | 'user'; handle: string } {
  if (raw.startsWith('@') && raw.includes('/')) return { type: 'team', handle: raw.slice(raw.indexOf('/') + 1) };
  if (raw.startsWith('@')) return { type: 'user', handle: raw.slice(1) };
  return { type: 'user', handle: raw };
}

export const codeowners: SignalKindModule<'ci_codeowners' | 'iac_codeowners'> = {
  // CODEOWNERS are maintained by the repository's owners: fairly reliable. 0.75 for a pipeline's
  // repository (one repo may deploy for others), 0.80 for the Terraform root folder.
  priors: {
    ci_codeowners: { alpha: 7.5, beta: 2.5 },
    iac_codeowners: { alpha: 8, beta: 2 },
  },
  vote(evidence, ctx) {
    const r = ctx.reliability;
    const votes: Vote[] = [];
    const pieces = [...(evidence.codeowners ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    for (const origin of ['ci', 'iac'] as const) {
      const kind: SignalKind = origin === 'ci' ? 'ci_codeowners' : 'iac_codeowners';
      for (const piece of pieces.filter((p) => p.origin === origin)) {
        const detail: VoteDetail = { repository: piece.repository, path: piece.path, principal: undefined };
        for (const raw of [...piece.owners].sort()) {
          const owner = parseCodeowner(raw);
          if (owner.type === 'team') {
            votes.push({
              owner_type: 'team',
              handle: owner.handle,
              kind,
              reliability: r(kind),
              evidence: ref(piece, piece.id),
              detail: { ...detail, written_as: raw },
            });
          } else {
            votes.push(
              ...ctx.userVotes(owner.handle, kind, kind, r(kind), r(kind) * r('owner_tag_membership'), ref(piece, piece.id), {
                ...detail,
                written_as: raw,
              }),
            );
          }
        }
      }
    }
    return votes;
  },
  lead: (who, v) =>
    v.kind === 'ci_codeowners'
      ? `${who} is the CODEOWNER (\`${v.detail.written_as}\`) of \`${v.detail.repository}\`, the repository whose pipeline deployed this resource`
      : `${who} is the CODEOWNER (\`${v.detail.written_as}\`) of \`${v.detail.path}\` in \`${v.detail.repository}\`, the Terraform root module that manages this resource`,
  clause: (v) =>
    v.kind === 'ci_codeowners'
      ? `CODEOWNERS of \`${v.detail.repository}\`, whose pipeline deployed it, agree`
      : `CODEOWNERS of its Terraform root \`${v.detail.path}\` agree`,
  evidenceVersions: (evidence) => (evidence.codeowners ?? []).map((c) => ref(c, c.id)),
};
