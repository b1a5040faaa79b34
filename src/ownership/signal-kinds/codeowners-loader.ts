// CODEOWNERS of each resource's Terraform root module (`iac`) and of the repositories whose pipelines changed it
// (`ci`, from the CloudTrail evidence loaded before), read for the whole batch at once.
import type { CodeownersPiece, CodeownersRuleMatch } from '../evidence.js';
import type { CodeownersRule } from '../signals.js';
import { codeownersOf, normalizeRepo } from '../../store/codeowners.js';
import { matchingRules } from '../../ingest/codeowners.js';
import { iso, type SignalKindLoader } from './loader.js';
import { recordedSignals } from './recorded-signals.js';
import { isCatchAllPattern } from './codeowners.js';

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
          const rules = matchedRules(c.rules, path);
          if (rules.length > 0) pieces.push(pieceOf(meta, `${c.repo}:${path}`, 'iac', path, rules));
        }
        if (ciRepos.has(repo)) {
          // The pipeline's repository as a whole: its default (root) owners.
          const rules = matchedRules(c.rules, '/');
          if (rules.length > 0) pieces.push(pieceOf(meta, `${c.repo}:/`, 'ci', '/', rules));
        }
      }
      if (pieces.length > 0) batch.evidence.get(resource.resource_id)!.codeowners = pieces;
    }
  },
  claims: (v) => v.source === 'codeowners',
  // The file's version as recorded, reduced to the rules that matched the piece's path (the id is `repo:path`):
  // the lines that decided, with their numbers, not the whole file.
  async recorded(db, orgId, _resourceId, versions) {
    const answers = await recordedSignals(db, orgId, versions, (v) => ({ kind: 'codeowners', key: splitId(v.id).repo }));
    return answers.map((answer, i) => {
      if (!Array.isArray(answer.content)) return answer;
      const { repo, path } = splitId(versions[i]!.id);
      return { ...answer, content: { repository: repo, path, rules: matchedRules(answer.content as CodeownersRule[], path) } };
    });
  },
};

/** `acme/infra:infra/payments` → its repository and the path its rules were matched for. */
function splitId(id: string): { repo: string; path: string } {
  const at = id.indexOf(':');
  return at < 0 ? { repo: id, path: '' } : { repo: id.slice(0, at), path: id.slice(at + 1) };
}

/** The rules that decide a folder's owners (one, or one per GitLab section), each as its line reads. */
function matchedRules(rules: readonly CodeownersRule[], path: string): CodeownersRuleMatch[] {
  return matchingRules(rules, path, { directory: true }).map((r) => ({
    line: r.line,
    pattern: r.pattern,
    owners: r.owners.map((o) => o.ref),
    ...(r.section !== undefined ? { section: r.section } : {}),
    catch_all: isCatchAllPattern(r.pattern),
  }));
}

function pieceOf(
  meta: Pick<CodeownersPiece, 'source' | 'version' | 'observed_at' | 'repository'>,
  id: string,
  origin: CodeownersPiece['origin'],
  path: string,
  rules: CodeownersRuleMatch[],
): CodeownersPiece {
  return { ...meta, id, origin, path, pattern: rules.map((r) => r.pattern).join(' '), owners: rules.flatMap((r) => r.owners), rules };
}
