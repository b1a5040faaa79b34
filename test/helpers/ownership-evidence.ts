// Small ownership evidence for engine tests: one bucket, active people each in one team, and the pieces tests add;
// and review labels as the organization's fit reads them.
import type { CodeownersPiece, ResourceEvidence } from '../../src/ownership/evidence.js';
import type { OrgVotes } from '../../src/ownership/org-model-fit.js';

export const AT = '2024-05-01T00:00:00Z';
export const meta = (source: string, version: string | number = 1) => ({ source, version, observed_at: AT });

/** A bucket with `tags`, and a directory of `people` (handle -> their one team; email `<handle>@x.com`). */
export function bucketEvidence(
  tags: string[],
  extra: Partial<ResourceEvidence> = {},
  people: Record<string, string> = { alice: 'payments' },
): ResourceEvidence {
  const entries = Object.entries(people);
  return {
    resource: { ...meta('resource', 'r1'), resource_id: 'arn:aws:s3:::b1', resource_type: 'aws_s3_bucket', name: 'b1', tags },
    directory: {
      users: entries.map(([handle, team]) => ({ ...meta('directory'), handle, email: `${handle}@x.com`, active: true, teams: [team] })),
      teams: [...new Set(entries.map(([, team]) => team))].map((handle) => ({ ...meta('directory'), handle })),
      population: { team: 10, user: 50, service: 20 },
    },
    ...extra,
  };
}

/** A Terraform root's CODEOWNERS naming `owners` for `/teams/payments/`. */
export function paymentsCodeowners(owners: string[]): CodeownersPiece {
  return {
    ...meta('codeowners', 'sha1'),
    id: 'org/infra//teams/payments',
    origin: 'iac',
    repository: 'org/infra',
    path: 'teams/payments',
    rules: [{ line: 3, pattern: '/teams/payments/', owners, catch_all: false }],
    owners,
  };
}

/** A review of each of `votes`' resources correcting `inferred_owner(v)` to `corrected_owner`, as fitOrganization reads them. */
export function correctionsOf(votes: OrgVotes[], inferred_owner: (v: OrgVotes) => string, corrected_owner: string) {
  return votes.map((v) => ({
    resource_id: v.resource_id,
    label: { action: 'correct' as const, owner_type: v.owner_type, inferred_owner: inferred_owner(v), corrected_owner, sources: v.votes },
  }));
}
