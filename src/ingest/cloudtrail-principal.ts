// Who made a CloudTrail call, as an owner candidate: the person's name where the record carries it
// (IAM user name, assumed-role session name, SSO email, federated name), and whether it was automation.
// Automation (CI, IaC, AWS services, instance profiles) is marked with a reason, never guessed into a person.
import type { DirectoryUser, PrincipalKind, ResolvedPrincipal } from '../ownership/signals.js';

import { isRecord, str } from '../json-values.js';

/** The parts of the call beside userIdentity that tell automation apart. */
export interface CallContext {
  userAgent?: string;
  /** `recipientAccountId`, when userIdentity names no account. */
  account?: string;
}

interface Parsed {
  kind: PrincipalKind;
  name: string;
  arn?: string;
  role?: string;
  session?: string;
  account?: string;
}

/** `assumed-role/ROLE/SESSION` of an STS ARN. */
function assumedRoleParts(arn: string | undefined): { role: string; session: string } | undefined {
  const match = arn ? /:assumed-role\/(.+)\/([^/]+)$/.exec(arn) : null;
  // Roles with a path show only the role name in the STS ARN, so the role is what precedes the session.
  return match ? { role: match[1].split('/').pop() ?? match[1], session: match[2] } : undefined;
}

function lastSegment(arn: string | undefined, marker: string): string | undefined {
  const at = arn?.indexOf(marker) ?? -1;
  return arn && at >= 0
    ? arn
        .slice(at + marker.length)
        .split('/')
        .pop()
    : undefined;
}

function afterColon(value: string | undefined): string | undefined {
  const at = value?.indexOf(':') ?? -1;
  return value && at >= 0 ? value.slice(at + 1) : undefined;
}

function parseIdentity(identity: Record<string, unknown>, context: CallContext): Parsed {
  const type = str(identity.type);
  const arn = str(identity.arn);
  const principalId = str(identity.principalId);
  const sessionContext = isRecord(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isRecord(sessionContext.sessionIssuer) ? sessionContext.sessionIssuer : {};
  const account = str(identity.accountId) ?? str(issuer.accountId) ?? context.account;
  const base = { ...(arn ? { arn } : {}), ...(account ? { account } : {}) };

  switch (type) {
    case 'IAMUser':
      return { kind: 'iam_user', name: str(identity.userName) ?? lastSegment(arn, ':user/') ?? principalId ?? '', ...base };
    case 'AssumedRole': {
      const parts = assumedRoleParts(arn);
      const role = parts?.role ?? str(issuer.userName);
      const session = parts?.session ?? afterColon(principalId) ?? '';
      // IAM Identity Center roles are named AWSReservedSSO_<permission set>_<id>; the session is the person's user name, usually the email.
      const kind: PrincipalKind = role?.startsWith('AWSReservedSSO_') ? 'sso_user' : 'assumed_role';
      return { kind, name: session, session, ...(role ? { role } : {}), ...base };
    }
    case 'FederatedUser':
      return {
        kind: 'federated_user',
        name: lastSegment(arn, ':federated-user/') ?? afterColon(principalId) ?? str(identity.userName) ?? '',
        ...base,
      };
    case 'WebIdentityUser':
    case 'SAMLUser':
      return { kind: 'federated_user', name: str(identity.userName) ?? principalId ?? '', ...base };
    case 'Root':
      return { kind: 'root', name: 'root', ...base };
    case 'AWSService':
      return { kind: 'service', name: str(identity.invokedBy) ?? principalId ?? 'aws-service', ...base };
    case 'AWSAccount':
      return { kind: 'aws_account', name: account ?? principalId ?? '', ...base };
    default: {
      // Older or trimmed records omit `type`; an assumed-role ARN still names the session.
      const parts = assumedRoleParts(arn);
      if (parts) return { kind: 'assumed_role', name: parts.session, session: parts.session, role: parts.role, ...base };
      return { kind: 'unknown', name: '', ...base };
    }
  }
}

/** Consoles sign people in: a call "invoked by" them is still the person's. */
const HUMAN_INVOKERS = new Set(['signin.amazonaws.com', 'console.amazonaws.com', 'AWS Internal']);

/** Role-name words that mean a pipeline or an IaC runner. `ci` and `cd` only as whole words (not in "specific"). */
const AUTOMATION_ROLE_WORDS = ['cicd', 'ci', 'cd'];
const AUTOMATION_ROLE_PARTS = [
  'deploy',
  'jenkins',
  'gitlab',
  'github',
  'circleci',
  'atlantis',
  'spacelift',
  'terraform',
  'pipeline',
  'buildkite',
  'codebuild',
  'argocd',
  'pulumi',
];

function automationRoleReason(role: string): string | undefined {
  const lower = role.toLowerCase();
  const words = lower.split(/[^a-z0-9]+/).filter(Boolean);
  const word = AUTOMATION_ROLE_WORDS.find((w) => words.includes(w));
  if (word) return `role ${role} is a CI/CD role`;
  const part = AUTOMATION_ROLE_PARTS.find((p) => lower.includes(p));
  return part ? `role ${role} is a ${part} automation role` : undefined;
}

function userAgentReason(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const lower = userAgent.toLowerCase();
  if (lower.includes('terraform') || lower.includes('hashicorp')) return 'Terraform user agent';
  if (lower.includes('cloudformation.amazonaws.com')) return 'CloudFormation user agent';
  if (lower.includes('pulumi')) return 'Pulumi user agent';
  if (lower.includes('exec-env/aws_lambda') || lower.includes('aws_lambda_')) return 'runs in AWS Lambda';
  if (lower.includes('exec-env/aws_ecs')) return 'runs in Amazon ECS';
  if (lower.includes('aws_glue') || lower.includes('exec-env/aws_glue')) return 'runs in AWS Glue';
  // A bare service host as user agent (autoscaling.amazonaws.com) is an AWS service acting on its own.
  if (/^[a-z0-9-]+\.amazonaws\.com$/.test(lower) && !HUMAN_INVOKERS.has(lower)) return `AWS service ${lower}`;
  return undefined;
}

function sessionReason(session: string | undefined, sessionContext: Record<string, unknown>): string | undefined {
  if (sessionContext.ec2RoleDelivery !== undefined) return 'EC2 instance profile';
  if (!session) return undefined;
  if (/^i-[0-9a-f]{8,17}$/i.test(session)) return 'EC2 instance profile';
  if (session === 'GitHubActions' || /^github-?actions/i.test(session)) return 'GitHub Actions session';
  if (/^[0-9a-f]{32}$/.test(session)) return 'ECS task session';
  if (session === 'GlueJobRunnerSession') return 'AWS Glue session';
  if (/^AWSCloudFormation/i.test(session) || /^terraform/i.test(session)) return `IaC session ${session}`;
  return undefined;
}

/** `owner/repo` from a GitHub OIDC subject such as `repo:owner/repo:ref:refs/heads/main`. */
function repositoryFromSubject(text: string | undefined): string | undefined {
  const match = text ? /(?:^|[:\s])repo:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)/.exec(text) : null;
  return match?.[1];
}

function webIdentity(identity: Record<string, unknown>): { provider?: string; repository?: string } {
  const sessionContext = isRecord(identity.sessionContext) ? identity.sessionContext : {};
  const web = isRecord(sessionContext.webIdFederationData) ? sessionContext.webIdFederationData : {};
  const provider = str(web.federatedProvider) ?? str(identity.identityProvider);
  const attributes = isRecord(web.attributes) ? web.attributes : {};
  const texts = [...Object.values(attributes).filter((v): v is string => typeof v === 'string'), str(identity.userName), str(identity.principalId)];
  const repository = texts.map(repositoryFromSubject).find(Boolean);
  return { ...(provider ? { provider } : {}), ...(repository ? { repository } : {}) };
}

/** Resolves a CloudTrail `userIdentity` (with the call's user agent) into an owner candidate. */
export function resolvePrincipal(userIdentity: unknown, context: CallContext = {}): ResolvedPrincipal {
  if (!isRecord(userIdentity)) {
    return { kind: 'unknown', name: '', automation: false, ...(context.account ? { account: context.account } : {}) };
  }
  const parsed = parseIdentity(userIdentity, context);
  const sessionContext = isRecord(userIdentity.sessionContext) ? userIdentity.sessionContext : {};
  const invokedBy = str(userIdentity.invokedBy);
  const web = webIdentity(userIdentity);
  const githubOidc = web.provider?.includes('token.actions.githubusercontent.com');

  const reasons = [
    parsed.kind === 'service' ? `AWS service principal ${parsed.name}` : undefined,
    invokedBy && !HUMAN_INVOKERS.has(invokedBy) ? `invoked by ${invokedBy}` : undefined,
    githubOidc ? 'GitHub Actions OIDC web identity' : undefined,
    web.provider && !githubOidc && /gitlab|circleci|buildkite|bitbucket|terraform|spacelift/i.test(web.provider)
      ? `CI web identity ${web.provider}`
      : undefined,
    userAgentReason(str(context.userAgent)),
    sessionReason(parsed.session, sessionContext),
    parsed.role ? automationRoleReason(parsed.role) : undefined,
  ];
  const reason = reasons.find((r): r is string => r !== undefined);
  const resolved: ResolvedPrincipal = {
    kind: parsed.kind,
    name: parsed.name,
    automation: reason !== undefined,
    ...(parsed.arn ? { arn: parsed.arn } : {}),
    ...(parsed.role ? { role: parsed.role } : {}),
    ...(parsed.account ? { account: parsed.account } : {}),
    ...(reason ? { automation_reason: reason } : {}),
  };
  const repository = web.repository ?? repositoryFromSubject(parsed.session);
  if (repository) resolved.repository = repository;
  return resolved;
}

export interface DirectoryMatch {
  user: DirectoryUser;
  /** How strongly: exact handle or email, or the weaker email local part (used only when exactly one user fits). */
  matched_by: 'handle' | 'email' | 'email_local_part';
}

/** Kinds whose name is never a person. */
const IMPERSONAL_KINDS = new Set<PrincipalKind>(['root', 'service', 'aws_account', 'unknown']);

/**
 * The directory user a principal's name refers to, case-insensitively: by handle, then by email, then
 * by an email's local part against handles (`jane.doe@corp.com` -> `jane.doe`) or a name against the
 * local part of users' emails (`jdoe` -> `jdoe@corp.com`), the last two only when exactly one user fits.
 * Root, AWS services, accounts and unknown principals match nobody.
 */
export function matchDirectoryUser(principal: ResolvedPrincipal, users: readonly DirectoryUser[]): DirectoryMatch | undefined {
  if (IMPERSONAL_KINDS.has(principal.kind)) return undefined;
  const name = principal.name.trim().toLowerCase();
  if (name === '') return undefined;
  const byHandle = users.find((u) => u.handle.toLowerCase() === name);
  if (byHandle) return { user: byHandle, matched_by: 'handle' };
  const byEmail = users.find((u) => u.email?.toLowerCase() === name);
  if (byEmail) return { user: byEmail, matched_by: 'email' };
  const local = name.includes('@') ? name.slice(0, name.indexOf('@')) : name;
  const candidates = users.filter(
    (u) => u.handle.toLowerCase() === local || (u.email !== undefined && u.email.toLowerCase().split('@')[0] === local),
  );
  return candidates.length === 1 ? { user: candidates[0], matched_by: 'email_local_part' } : undefined;
}
