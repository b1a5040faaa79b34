// A CloudTrail record of an IAM user creating a bucket, as the audit events import takes it.
export function createBucketRecord(account: string, userName: string, bucketName: string) {
  return {
    eventName: 'CreateBucket',
    eventSource: 's3.amazonaws.com',
    eventTime: '2026-01-01T00:00:00Z',
    recipientAccountId: account,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/${userName}`, userName },
    requestParameters: { bucketName },
  };
}
