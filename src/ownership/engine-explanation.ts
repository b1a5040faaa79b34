// One or two sentences naming the evidence that decided an inference.

import type { OwnerType } from './owner-type.js';
import type { Vote } from './engine-candidates.js';
import type { ScoredCandidate } from './engine-combination.js';

const SOURCE_LABELS: Record<string, string> = {
  datadog_service_catalog: 'Datadog service catalog',
  service_definition: 'Datadog service catalog',
  backstage: 'Backstage catalog',
  cloudtrail: 'CloudTrail',
};

export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? source;
}

const TYPE_WORD: Record<OwnerType, string> = { team: 'Team', user: 'User', service: 'Service' };

/** The deciding vote as the sentence's main clause. */
function lead(type: OwnerType, handle: string, v: Vote): string {
  const who = `${TYPE_WORD[type]} \`${handle}\``;
  const d = v.detail;
  switch (v.kind) {
    case 'owner_tag':
      return `${who} is named by the resource's tag \`${d.tag}\``;
    case 'owner_tag_membership':
      return `${who} includes \`${d.via_user}\`, named by the resource's tag \`${d.tag}\``;
    case 'mapping_high':
    case 'mapping_medium':
    case 'mapping_low':
      return `${who} is assigned by ownership preference \`${d.mapping_id}\` (${d.stated} confidence) to resources tagged \`${d.tag}\``;
    case 'catalog':
      return `${who} owns the service \`${d.service}\` (${sourceLabel(v.evidence.source)}, v${v.evidence.version}) that this resource is tagged with`;
    case 'creator':
    case 'modifier':
      return `${who} ${v.kind === 'creator' ? 'created' : 'last changed'} this resource (${sourceLabel(v.evidence.source)}, principal \`${d.principal}\`)`;
    case 'creator_membership':
    case 'modifier_membership':
      return `${who} includes \`${d.via_user}\`, who ${v.kind === 'creator_membership' ? 'created' : 'last changed'} this resource (${sourceLabel(v.evidence.source)})`;
    case 'ci_codeowners':
      return `${who} is the CODEOWNER (\`${d.written_as}\`) of \`${d.repository}\`, the repository whose pipeline deployed this resource`;
    case 'iac_codeowners':
      return `${who} is the CODEOWNER (\`${d.written_as}\`) of \`${d.path}\` in \`${d.repository}\`, the Terraform root module that manages this resource`;
    case 'role_tag':
      return `${who} is named by the tag \`${d.tag}\` of the role \`${d.role ?? d.principal}\` that created this resource`;
    case 'naming':
      return `${who} appears in the resource's name \`${d.name}\``;
  }
}

/** A supporting vote as a short clause. */
function clause(v: Vote): string {
  const d = v.detail;
  switch (v.kind) {
    case 'owner_tag':
      return `the resource's tag \`${d.tag}\` agrees`;
    case 'owner_tag_membership':
      return `\`${d.via_user}\`, named by the tag \`${d.tag}\`, is a member`;
    case 'mapping_high':
    case 'mapping_medium':
    case 'mapping_low':
      return `ownership preference \`${d.mapping_id}\` agrees`;
    case 'catalog':
      return `the ${sourceLabel(v.evidence.source)} (v${v.evidence.version}) lists it as owner of \`${d.service}\``;
    case 'creator':
    case 'modifier':
      return `${sourceLabel(v.evidence.source)} shows this user ${v.kind === 'creator' ? 'created' : 'last changed'} it`;
    case 'creator_membership':
    case 'modifier_membership':
      return `${sourceLabel(v.evidence.source)} shows its ${v.kind === 'creator_membership' ? 'creator' : 'last modifier'} ${d.via_user} is a member`;
    case 'ci_codeowners':
      return `CODEOWNERS of \`${d.repository}\`, whose pipeline deployed it, agree`;
    case 'iac_codeowners':
      return `CODEOWNERS of its Terraform root \`${d.path}\` agree`;
    case 'role_tag':
      return `the creating role \`${d.role ?? d.principal}\` is tagged \`${d.tag}\``;
    case 'naming':
      return `its name contains \`${d.name}\``;
  }
}

export function explain(type: OwnerType, winner: ScoredCandidate, rivals: ScoredCandidate[]): string {
  const [first, second] = winner.votes;
  let text = lead(type, winner.handle, first);
  if (second) text += `; ${clause(second)}`;
  text += '.';
  const inactive = winner.votes.find((v) => v.detail.inactive_user)?.detail.inactive_user;
  const rival = rivals[0];
  if (inactive) {
    text += ` \`${inactive}\` has left the organization, which weakens this.`;
  } else if (rival && rival.posterior >= 0.05) {
    text += ` \`${rival.handle}\` is also named (${rival.votes.map((v) => v.kind).join(', ')}), which lowers the confidence.`;
  }
  return text;
}

export function explainUnknown(type: OwnerType, droppedCount: number): string {
  const base = `No evidence names a ${type} owner for this resource.`;
  return droppedCount > 0 ? `${base} ${droppedCount} candidate source(s) were set aside by exclusions, rejections or direct tags.` : base;
}
