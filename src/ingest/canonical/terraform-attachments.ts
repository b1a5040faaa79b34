// Terraform splits one API resource into several state resources (a bucket and its public access block, a security
// group and its rules, a user and its login profile). The API, and so the canonical configuration, has them on the
// parent: these fold each companion into its parent when both are in one state. A companion is never a record of its
// own (it is no cloud resource, and a bucket's companions all have the bucket's name as their id, so their records
// would overwrite one another). One whose parent is not in the state is left out: a parent built from it alone would
// be a partial record under the id of a resource that another state (or another source) describes whole.
import type { ResourceRecord } from '../../posture/resource.js';
import { AZURE_COMPANIONS } from './terraform-azure-companions.js';
import { COMPUTE_COMPANIONS } from './terraform-compute-companions.js';
import { parentFinder, type Fold } from './terraform-fold.js';
import { GCP_COMPANIONS } from './terraform-gcp-companions.js';
import { IAM_COMPANIONS } from './terraform-iam-companions.js';
import { S3_COMPANIONS } from './terraform-s3-companions.js';
import type { Json } from './values.js';
import { ownEntry } from '../../own-entry.js';

export interface TerraformChild {
  terraformType: string;
  attributes: Json;
}

const FOLDS: Readonly<Record<string, Fold>> = { ...S3_COMPANIONS, ...IAM_COMPANIONS, ...COMPUTE_COMPANIONS, ...GCP_COMPANIONS, ...AZURE_COMPANIONS };

/** Folds every child whose parent is among `records` into that parent's configuration (in place), in the state's order. */
export function foldTerraformChildren(records: ResourceRecord[], children: TerraformChild[]): void {
  const find = parentFinder(records);
  for (const child of children) ownEntry(FOLDS, child.terraformType)?.(child.attributes, find);
}

export function isTerraformChild(terraformType: string): boolean {
  return Object.hasOwn(FOLDS, terraformType);
}
