import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { recordsOf, toAuditEvent } from '../../src/ingest/cloudtrail.js';
import { matchDirectoryUser, resolvePrincipal } from '../../src/ingest/cloudtrail-principal.js';
import type { DirectoryUser } from '../../src/ownership/signals.js';

function fixtureRecords(...parts: string[]) {
  return [...recordsOf(JSON.parse(readFileSync(fixturePath('cloudtrail', ...parts), 'utf8')), parts.join('/'))];
}

test("Cloud Custodian's known answers: c7nbot (IAM user) and Radiant (session of GR_Dev_Developer)", () => {
  const [creator] = fixtureRecords('custodian', 'event-cloud-trail-run-instance-creator.json');
  const byUser = toAuditEvent(creator, 'creator').principal;
  assert.equal(byUser.kind, 'iam_user');
  assert.equal(byUser.name, 'c7nbot');
  // invokedBy signin.amazonaws.com is the console: a person, not automation.
  assert.equal(byUser.automation, false);

  const [assumed] = fixtureRecords('custodian', 'event-cloud-trail-run-instance-creator-assumed.json');
  const byRole = toAuditEvent(assumed, 'assumed').principal;
  assert.equal(byRole.kind, 'assumed_role');
  assert.equal(byRole.name, 'Radiant');
  assert.equal(byRole.role, 'GR_Dev_Developer');
  assert.equal(byRole.automation, false);
});

test('IAM user: the user name, also for a user with a path', () => {
  const p = resolvePrincipal({
    type: 'IAMUser',
    arn: 'arn:aws:iam::111122223333:user/eng/alice',
    accountId: '111122223333',
    principalId: 'AIDAEXAMPLE',
  });
  assert.deepEqual(p, {
    kind: 'iam_user',
    name: 'alice',
    arn: 'arn:aws:iam::111122223333:user/eng/alice',
    account: '111122223333',
    automation: false,
  });
});

test('assumed role: the session name, with the role kept', () => {
  const p = resolvePrincipal({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:Radiant',
    arn: 'arn:aws:sts::123:assumed-role/GR_Dev_Developer/Radiant',
    sessionContext: { sessionIssuer: { type: 'Role', userName: 'GR_Dev_Developer', arn: 'arn:aws:iam::123:role/GR_Dev_Developer' } },
  });
  assert.equal(p.kind, 'assumed_role');
  assert.equal(p.name, 'Radiant');
  assert.equal(p.role, 'GR_Dev_Developer');
});

test("IAM Identity Center (SSO): the session name is the person's email", () => {
  const p = resolvePrincipal(
    {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:jane.doe@example.com',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane.doe@example.com',
      accountId: '111122223333',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
          userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
        },
      },
    },
    { userAgent: 'aws-cli/2.15.0 Python/3.11.6 Darwin/23.2.0 exe/x86_64' },
  );
  assert.equal(p.kind, 'sso_user');
  assert.equal(p.name, 'jane.doe@example.com');
  assert.equal(p.role, 'AWSReservedSSO_AdministratorAccess_0123456789abcdef');
  assert.equal(p.automation, false);
});

test('federated user: the name from the federated-user ARN (Stratus Red Team fixture)', () => {
  const records = fixtureRecords('stratus-red-team', 'aws.persistence.sts-federation-token.json');
  const federated = records.find((r) => (r.userIdentity as { type?: string })?.type === 'FederatedUser');
  assert.ok(federated);
  const p = toAuditEvent(federated, 'federated').principal;
  assert.equal(p.kind, 'federated_user');
  assert.equal(p.name, 'stratus_red_team');
});

test('root: kind root, named root (Custodian create-bucket fixture)', () => {
  const [record] = fixtureRecords('custodian', 'event-cloud-trail-create-bucket.json');
  const p = toAuditEvent(record, 'root').principal;
  assert.equal(p.kind, 'root');
  assert.equal(p.name, 'root');
  assert.equal(p.account, '619193117841');
});

test('AWS service principal is automation', () => {
  const p = resolvePrincipal({ type: 'AWSService', invokedBy: 'config.amazonaws.com' });
  assert.equal(p.kind, 'service');
  assert.equal(p.name, 'config.amazonaws.com');
  assert.equal(p.automation, true);
  assert.match(p.automation_reason ?? '', /AWS service principal/);
});

test('invokedBy an AWS service is automation (root RunInstances by autoscaling, Custodian fixture)', () => {
  const [record] = fixtureRecords('custodian', 'event-cloud-trail-run-instances.json');
  const p = toAuditEvent(record, 'asg').principal;
  assert.equal(p.kind, 'root');
  assert.equal(p.automation, true);
  assert.equal(p.automation_reason, 'invoked by autoscaling.amazonaws.com');
});

test('CloudFormation: invokedBy cloudformation.amazonaws.com (Custodian create-db fixture)', () => {
  const [record] = fixtureRecords('custodian', 'event-cloud-trail-create-db.json');
  const p = toAuditEvent(record, 'cfn').principal;
  assert.equal(p.automation, true);
  assert.match(p.automation_reason ?? '', /cloudformation/);
});

test("Terraform user agent marks a person's session as automation, keeping the name", () => {
  const p = resolvePrincipal(
    { type: 'AssumedRole', arn: 'arn:aws:sts::123:assumed-role/PlatformAdmin/alice', principalId: 'AROA:alice' },
    {
      userAgent:
        'APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0',
    },
  );
  assert.equal(p.name, 'alice');
  assert.equal(p.automation, true);
  assert.equal(p.automation_reason, 'Terraform user agent');
});

test('GitHub Actions OIDC: web identity from token.actions.githubusercontent.com, with the repository', () => {
  const session = resolvePrincipal({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:GitHubActions',
    arn: 'arn:aws:sts::111122223333:assumed-role/github-oidc-deploy/GitHubActions',
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: { type: 'Role', userName: 'github-oidc-deploy', arn: 'arn:aws:iam::111122223333:role/github-oidc-deploy' },
      webIdFederationData: {
        federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        attributes: { 'token.actions.githubusercontent.com:sub': 'repo:acme/payments-infra:ref:refs/heads/main' },
      },
    },
  });
  assert.equal(session.kind, 'assumed_role');
  assert.equal(session.role, 'github-oidc-deploy');
  assert.equal(session.automation, true);
  assert.equal(session.automation_reason, 'GitHub Actions OIDC web identity');
  assert.equal(session.repository, 'acme/payments-infra');

  // The AssumeRoleWithWebIdentity call itself: the subject is the user name.
  const login = resolvePrincipal({
    type: 'WebIdentityUser',
    principalId: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/web:ref:refs/heads/main',
    userName: 'repo:acme/web:ref:refs/heads/main',
    identityProvider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  });
  assert.equal(login.kind, 'federated_user');
  assert.equal(login.automation, true);
  assert.equal(login.repository, 'acme/web');
});

test('CI sessions and roles: github-actions-* sessions, deploy/jenkins/ci roles; Developer roles are not', () => {
  const byRole = (role: string, session = 'x1') => resolvePrincipal({ type: 'AssumedRole', arn: `arn:aws:sts::1:assumed-role/${role}/${session}` });
  assert.equal(byRole('anything', 'github-actions-1234').automation_reason, 'GitHub Actions session');
  assert.equal(byRole('jenkins-agent').automation, true);
  assert.equal(byRole('prod-deployer').automation, true);
  assert.equal(byRole('app_ci_role').automation, true);
  assert.equal(byRole('atlantis-apply').automation, true);
  assert.equal(byRole('GR_Dev_Developer').automation, false);
  assert.equal(byRole('SpecificAccess').automation, false);
});

test('instance profile: the i-... session, and ec2RoleDelivery (Stratus Red Team fixture)', () => {
  const records = fixtureRecords('stratus-red-team', 'aws.credential-access.ec2-steal-instance-credentials.json');
  const fromInstance = records.find((r) => String((r.userIdentity as { arn?: string })?.arn).includes('/i-'));
  assert.ok(fromInstance);
  const p = toAuditEvent(fromInstance, 'instance').principal;
  assert.equal(p.role, 'stratus-red-team-ec2-steal-credentials-role');
  assert.equal(p.automation, true);
  assert.equal(p.automation_reason, 'EC2 instance profile');
  const bare = resolvePrincipal({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/web/i-0123456789abcdef0' });
  assert.equal(bare.automation_reason, 'EC2 instance profile');
});

test('Lambda execution: the runtime in the user agent', () => {
  const p = resolvePrincipal(
    { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/resize-images-role/resize-images' },
    { userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.0 exec-env/AWS_Lambda_python3.12' },
  );
  assert.equal(p.automation_reason, 'runs in AWS Lambda');
});

test('no userIdentity: unknown, nameless', () => {
  assert.deepEqual(resolvePrincipal(undefined, { account: '1' }), { kind: 'unknown', name: '', automation: false, account: '1' });
});

test('matchDirectoryUser: handle, email, unique email local part; never root or services', () => {
  const users: DirectoryUser[] = [
    { handle: 'jane.doe', email: 'Jane.Doe@example.com', active: true, teams: [] },
    { handle: 'jdoe2', email: 'jdoe@example.com', active: true, teams: [] },
    { handle: 'sam', email: 'sam@a.example', active: true, teams: [] },
    { handle: 'sam.b', email: 'sam@b.example', active: true, teams: [] },
  ];
  const principal = (name: string, kind: 'iam_user' | 'sso_user' | 'root' = 'iam_user') => ({ kind, name, automation: false });
  assert.deepEqual(matchDirectoryUser(principal('JANE.DOE'), users), { user: users[0], matched_by: 'handle' });
  assert.deepEqual(matchDirectoryUser(principal('jane.doe@EXAMPLE.com', 'sso_user'), users), { user: users[0], matched_by: 'email' });
  // The email's local part against handles: jane.doe@other.example -> jane.doe.
  assert.deepEqual(matchDirectoryUser(principal('jane.doe@other.example', 'sso_user'), users), { user: users[0], matched_by: 'email_local_part' });
  // A bare name against the local part of users' emails: jdoe -> jdoe@example.com (handle jdoe2).
  assert.deepEqual(matchDirectoryUser(principal('jdoe'), users), { user: users[1], matched_by: 'email_local_part' });
  // Two users have the local part `sam`... but one has the handle: exact handle wins.
  assert.equal(matchDirectoryUser(principal('sam'), users)?.user.handle, 'sam');
  // sam@c.example: local part `sam` fits `sam` (handle) and `sam.b` (email): ambiguous, no match.
  assert.equal(matchDirectoryUser(principal('sam@c.example', 'sso_user'), users), undefined);
  assert.equal(matchDirectoryUser(principal('root', 'root'), [{ handle: 'root', active: true, teams: [] }]), undefined);
  assert.equal(matchDirectoryUser(principal('nobody'), users), undefined);
});
