/** An S3 bucket as POST /api/v2/csm/resources takes it; `attrs` replaces any attribute. */
export const bucketItem = (id: string, attrs: Record<string, unknown> = {}) => ({
  type: 'cloud_resource',
  id,
  attributes: {
    resource_type: 'aws_s3_bucket',
    name: id.split(':').pop(),
    cloud_provider: 'aws',
    account: '123456789012',
    region: 'eu-west-1',
    tags: ['env:prod'],
    configuration: { name: id.split(':').pop(), versioning: { status: 'Enabled' } },
    observed_at: 1_700_000_000_000,
    ...attrs,
  },
});
