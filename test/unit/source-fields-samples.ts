// AWS Config configuration items of the types the rule pack reads, shaped as Config records them (each service's
// Describe/Get answer in camelCase, sub-resources in supplementaryConfiguration), for test/unit/source-fields.test.ts.
// The fixtures hold real Config items of two types only (an instance and a security group).

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const encoded = (document: object) => encodeURIComponent(JSON.stringify(document));
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };

const item = (resourceType: string, arn: string | undefined, resourceName: string, configuration: object, supplementaryConfiguration = {}) => ({
  resourceType,
  ...(arn ? { ARN: arn } : {}),
  resourceId: resourceName,
  resourceName,
  awsAccountId: ACCOUNT,
  awsRegion: REGION,
  configurationItemCaptureTime: '2024-01-02T03:04:05.000Z',
  configurationItemStatus: 'OK',
  configuration,
  supplementaryConfiguration,
});

export const CONFIG_SAMPLE = [
  item(
    'AWS::S3::Bucket',
    undefined,
    'site-assets',
    { name: 'site-assets', owner: { id: 'abc' }, creationDate: '2020-01-01T00:00:00.000Z' },
    {
      AccessControlList: JSON.stringify({
        grantSet: null,
        grantList: [
          { grantee: { id: 'abc', displayName: null }, permission: 'FullControl', referenceId: null },
          { grantee: 'AllUsers', permission: 'Read', referenceId: null },
        ],
        owner: { displayName: null, id: 'abc' },
        isRequesterCharged: false,
      }),
      BucketLoggingConfiguration: { destinationBucketName: 'access-logs', logFilePrefix: 'site-assets/' },
      BucketPolicy: {
        policyText: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: 'arn:aws:s3:::site-assets/*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      },
      BucketVersioningConfiguration: { status: 'Suspended', isMfaDeleteEnabled: null },
      PublicAccessBlockConfiguration: { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: true },
      ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256', kmsMasterKeyID: null } }] },
    },
  ),
  item('AWS::IAM::User', `arn:aws:iam::${ACCOUNT}:user/carol`, 'carol', {
    path: '/',
    userName: 'carol',
    userId: 'AIDACAROL',
    arn: `arn:aws:iam::${ACCOUNT}:user/carol`,
    createDate: '2021-03-04T05:06:07.000Z',
    userPolicyList: [{ policyName: 'inline', policyDocument: encoded(ALLOW_ALL) }],
    groupList: [],
    attachedManagedPolicies: [{ policyName: 'ReadOnlyAccess', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    permissionsBoundary: null,
  }),
  item('AWS::IAM::Role', `arn:aws:iam::${ACCOUNT}:role/app`, 'app', {
    path: '/',
    roleName: 'app',
    roleId: 'AROAAPP',
    arn: `arn:aws:iam::${ACCOUNT}:role/app`,
    createDate: '2021-03-04T05:06:07.000Z',
    assumeRolePolicyDocument: encoded({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    instanceProfileList: [],
    rolePolicyList: [],
    roleLastUsed: { lastUsedDate: '2024-05-06T07:08:09.000Z', region: 'eu-west-1' },
    attachedManagedPolicies: [{ policyName: 'AdministratorAccess', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
  }),
  item('AWS::IAM::Policy', `arn:aws:iam::${ACCOUNT}:policy/reader`, 'reader', {
    policyName: 'reader',
    policyId: 'ANPAREADER',
    arn: `arn:aws:iam::${ACCOUNT}:policy/reader`,
    defaultVersionId: 'v1',
    policyVersionList: [{ document: encoded(ALLOW_ALL), versionId: 'v1', isDefaultVersion: true }],
  }),
  item('AWS::EC2::Instance', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-9`, 'i-9', {
    instanceId: 'i-9',
    instanceType: 't3.micro',
    iamInstanceProfile: { arn: `arn:aws:iam::${ACCOUNT}:instance-profile/app`, id: 'AIPAAPP' },
    metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
    publicIpAddress: null,
  }),
  item('AWS::RDS::DBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`, 'orders', {
    dBInstanceIdentifier: 'orders',
    dBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`,
    engine: 'postgres',
    storageEncrypted: true,
    publiclyAccessible: false,
    multiAZ: true,
    deletionProtection: true,
    autoMinorVersionUpgrade: true,
    iAMDatabaseAuthenticationEnabled: false,
    backupRetentionPeriod: 7,
  }),
  item('AWS::EC2::Volume', `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-9`, 'vol-9', {
    volumeId: 'vol-9',
    encrypted: true,
    kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-9`,
    state: 'in-use',
    attachments: [{ instanceId: 'i-9', device: '/dev/xvda', state: 'attached', volumeId: 'vol-9', deleteOnTermination: true }],
  }),
  item('AWS::CloudTrail::Trail', `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`, 'main', {
    name: 'main',
    trailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`,
    s3BucketName: 'trail-logs',
    isMultiRegionTrail: true,
    logFileValidationEnabled: true,
    kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:trail:*`,
  }),
  item('AWS::KMS::Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`, 'k-1', {
    keyId: 'k-1',
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`,
    enabled: true,
    keyUsage: 'ENCRYPT_DECRYPT',
    keyState: 'Enabled',
    keyManager: 'CUSTOMER',
    keySpec: 'SYMMETRIC_DEFAULT',
  }),
  item(
    'AWS::Lambda::Function',
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:api`,
    'api',
    {
      functionName: 'api',
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:api`,
      runtime: 'python3.12',
      packageType: 'Zip',
      tracingConfig: { mode: 'PassThrough' },
      vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], vpcId: 'vpc-1' },
    },
    {
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Id: 'default',
        Statement: [
          {
            Sid: 's3',
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:api`,
            Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } },
          },
        ],
      }),
    },
  ),
  item(
    'AWS::DynamoDB::Table',
    `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`,
    'orders',
    { tableName: 'orders', tableStatus: 'ACTIVE' },
    {
      ContinuousBackupsDescription: {
        continuousBackupsStatus: 'ENABLED',
        pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: 'ENABLED' },
      },
    },
  ),
  item('AWS::ECR::Repository', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/app`, 'app', {
    RepositoryName: 'app',
    ImageScanningConfiguration: { ScanOnPush: true },
    ImageTagMutability: 'IMMUTABLE',
  }),
];
