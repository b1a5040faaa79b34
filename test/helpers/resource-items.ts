import type { ResourceRecord } from '../../src/posture/resource.js';

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

/** Every public access setting on: none of the bucket rules that are critical or high fails. */
const CLOSED = { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };

/** An S3 bucket record (`arn:aws:s3:::name`) as the inventory ingests it; `open` leaves its public access unblocked. */
export function bucketRecord(id: string, tags: string[], opts: { account: string; open?: boolean }): ResourceRecord {
  const name = id.slice('arn:aws:s3:::'.length);
  return {
    cloud_provider: 'aws',
    account: opts.account,
    observed_at: Date.now(),
    resource_id: id,
    resource_type: 'aws_s3_bucket',
    name,
    region: 'us-east-1',
    tags,
    configuration: opts.open ? { bucket: name } : { bucket: name, public_access_block_configuration: CLOSED },
  };
}
