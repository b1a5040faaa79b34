// CODEOWNERS of each resource's Terraform root module (`iac`) and of the repositories whose pipelines changed it
// (`ci`, from the CloudTrail evidence loaded before), read for the whole batch at once.
import type { CodeownersPiece } from '../evidence.js';
import { codeownersOf, normalizeRepo } from '../../store/codeowners.js';
import { matchingRules } from '../../ingest/codeowners.js';
import { iso, type SignalKindLoader } from './loader.js';
import { recordedSignals } from './recorded-signals.js';

export const codeownersLoader: SignalKindLoader = {
  async load(db, batch) {
    const ciReposOf = (id: string) =>
      new Set((batch.evidence.get(id)!.audit ?? []).flatMap((a) => (a.principal.repository ? [normalizeRepo(a.principal.repository)] : [])));
    const repos = new Set<string>();
    for (const r of batch.resources) {
      if (r.iac_repo) repos.add(normalizeRepo(r.iac_repo));
      for (const repo of ciReposOf(r.resource_id)) repos.add(repo);
    }
    const files = new Map((await codeownersOf(db, batch.orgId, [...repos])).map((c) => [c.repo, c]));
    for (const resource of batch.resources) {
      const pieces: CodeownersPiece[] = [];
      const iacRepo = resource.iac_repo ? normalizeRepo(resource.iac_repo) : undefined;
      const ciRepos = ciReposOf(resource.resource_id);
      for (const repo of [...new Set([...(iacRepo ? [iacRepo] : []), ...ciRepos])].sort()) {
        const c = files.get(repo);
        if (!c) continue;
        const meta = { source: 'codeowners', version: c.version, observed_at: iso(c.observed_at), repository: c.repo };
        if (repo === iacRepo) {
          const path = resource.iac_path ?? '';
          const rules = matchingRules(c.rules, path, { directory: true });
          if (rules.length > 0)
            pieces.push({
              ...meta,
              id: `${c.repo}:${path}`,
              origin: 'iac',
              path,
              pattern: rules.map((r) => r.pattern).join(' '),
              owners: rules.flatMap((r) => r.owners.map((o) => o.ref)),
            });
        }
        if (ciRepos.has(repo)) {
          // The pipeline's repository as a whole: its default (root) owners.
          const rules = matchingRules(c.rules, '', { directory: true });
          if (rules.length > 0)
            pieces.push({
              ...meta,
              id: `${c.repo}:/`,
              origin: 'ci',
              path: '/',
              pattern: rules.map((r) => r.pattern).join(' '),
              owners: rules.flatMap((r) => r.owners.map((o) => o.ref)),
            });
        }
      }
      if (pieces.length > 0) batch.evidence.get(resource.resource_id)!.codeowners = pieces;
    }
  },
  claims: (v) => v.source === 'codeowners',
  recorded: (db, orgId, _resourceId, versions) =>
    recordedSignals(db, orgId, versions, (v) => ({ kind: 'codeowners', key: v.id.slice(0, v.id.indexOf(':') < 0 ? undefined : v.id.indexOf(':')) })),
};
