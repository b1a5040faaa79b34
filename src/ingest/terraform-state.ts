// Terraform state (format version 4) -> ResourceRecords: managed resources only, configuration in the canonical schema.
import { RecordError, type ResourceRecord } from '../posture/resource.js';
import { parseArn, partitionOf } from './canonical/arn.js';
import { regionFromZone } from './canonical/aws-ec2.js';
import type { TerraformContext } from './canonical/mapping.js';
import { terraformType } from './canonical/registry.js';
import { tagsFromMap } from './canonical/tags.js';
import { foldTerraformChildren, isTerraformChild, type TerraformChild } from './canonical/terraform-attachments.js';
import { isRecord, list, str, type Json } from './canonical/values.js';
import { checkRecordLimits, nameFromId } from './resource-items.js';
import { readRecord, type OnInvalid } from './invalid-records.js';
import { findEmbeddedJsonProblem } from './embedded-json.js';

export interface TerraformStateOptions {
  now: number;
  /** The repository and root-module path this state belongs to (`steward import terraform --repo --path`). */
  iac?: { repo: string; path: string };
  /** Receives each bad resource or instance, which is then left out; without it the first one aborts the state. */
  onInvalid?: OnInvalid;
}

/** Attributes that are never kept: secrets, and what Terraform itself adds. */
const DROPPED = new Set([
  'tags',
  'tags_all',
  'timeouts',
  'password',
  'master_password',
  'private_key',
  'secret',
  'user_data',
  'user_data_base64',
  // An Azure machine's custom data, which as user data often holds secrets.
  'custom_data',
  // A virtual MFA device's seed, as text and as a QR code.
  'base_32_string_seed',
  'qr_code_png',
]);
/**
 * Attribute names that hold credentials; states written before Terraform 0.15 do not mark them sensitive. Beyond
 * passwords, secrets and private keys: azurerm's account keys and connection strings (`primary_access_key`,
 * `primary_connection_string`, `primary_master_key`), SAS URLs, Application Insights keys.
 */
const SECRET_NAME =
  /(password|secret|private_key|_token$|access_key$|connection_string|(^|_)(primary|secondary)(_master)?_key$|sas_url|instrumentation_key)/;

function sensitivePaths(instance: Json): Set<string> {
  const names = new Set<string>();
  for (const path of list(instance.sensitive_attributes)) {
    const first = list(path)[0];
    if (isRecord(first) && typeof first.value === 'string') names.add(first.value);
  }
  return names;
}

function regionOf(a: Json, fromArn: string | undefined): string {
  if (fromArn) return fromArn;
  const zones = list(a.availability_zones);
  return str(a.region) ?? str(a.home_region) ?? regionFromZone(a.availability_zone) ?? regionFromZone(zones[0]) ?? '';
}

/**
 * The partition of a state as a whole, for resources whose own attributes do not say (an S3 bucket's ARN names no
 * region, and older AWS providers record no `region` on a bucket): the first ARN's partition, else the first region's.
 * A state is written by one provider configuration per region, so its resources share a partition; `aws` otherwise.
 */
function statePartition(resources: unknown[]): string {
  let fromRegion: string | undefined;
  for (const resource of resources) {
    if (!isRecord(resource) || !Array.isArray(resource.instances)) continue;
    for (const instance of resource.instances) {
      const a = isRecord(instance) && isRecord(instance.attributes) ? instance.attributes : {};
      const arn = typeof a.arn === 'string' ? parseArn(a.arn) : undefined;
      if (arn) return arn.partition;
      const region = str(a.region) ?? str(a.availability_zone);
      fromRegion ??= region ? partitionOf(region) : undefined;
    }
  }
  return fromRegion ?? 'aws';
}

function accountOf(a: Json, fromArn: string | undefined): string {
  return fromArn || str(a.owner_id) || str(a.registry_id) || str(a.account_id) || '';
}

function nameOf(a: Json, id: string, configuration: Json): string {
  const tags = isRecord(a.tags) ? a.tags : {};
  // An RDS instance's `name` is its database's name: the identifier names the resource.
  return (
    str(a.identifier) ??
    str(a.cluster_identifier) ??
    str(a.bucket) ??
    str(a.function_name) ??
    str(a.name) ??
    str(configuration.name) ??
    str(tags.Name) ??
    nameFromId(str(a.id) ?? id)
  );
}

function expectString(value: unknown, place: string, field: string): string {
  if (typeof value !== 'string' || value === '') throw new RecordError(place, field, 'is required and must be a string');
  return value;
}

export function parseTerraformState(doc: unknown, source: string, opts: TerraformStateOptions): ResourceRecord[] {
  if (!isRecord(doc)) throw new RecordError(source, undefined, 'a Terraform state must be a JSON object');
  if (doc.version !== 4) {
    throw new RecordError(source, 'version', `Terraform state format version ${JSON.stringify(doc.version)} is not supported (only 4)`);
  }
  if (!Array.isArray(doc.resources)) throw new RecordError(source, 'resources', 'must be an array');

  const records: ResourceRecord[] = [];
  const defaultPartition = statePartition(doc.resources);
  const children: TerraformChild[] = [];
  // With `onInvalid`, a bad resource or instance is handed over and left out; without, it aborts the whole state.
  const { onInvalid } = opts;
  doc.resources.forEach((resource, r) => {
    const place = `${source} resources[${r}]`;
    readRecord(() => readResource(resource, place), onInvalid);
  });
  foldTerraformChildren(records, children);
  return records;

  function readResource(resource: unknown, place: string): void {
    if (!isRecord(resource)) throw new RecordError(place, undefined, 'must be an object');
    const mode = expectString(resource.mode, place, 'mode');
    if (mode !== 'managed' && mode !== 'data') throw new RecordError(place, 'mode', 'must be "managed" or "data"');
    const type = expectString(resource.type, place, 'type');
    expectString(resource.name, place, 'name');
    if (!Array.isArray(resource.instances)) throw new RecordError(place, 'instances', 'must be an array');
    if (mode === 'data') return;
    const info = terraformType(type);
    if (!info) return;

    const readInstance = (instance: unknown, i: number): void => {
      const field = `instances[${i}].attributes`;
      if (!isRecord(instance) || !isRecord(instance.attributes)) throw new RecordError(place, field, 'must be an object');
      const a = instance.attributes;
      // Policy documents are JSON strings the mappings parse (companions after every record is checked).
      const embedded = findEmbeddedJsonProblem(a);
      if (embedded) throw new RecordError(place, embedded.field ? `${field}.${embedded.field}` : field, embedded.reason);
      // A companion resource (a bucket's policy, a user's access key) is part of its parent's configuration, not a
      // resource: folded into the parent below, or left out when the parent is not in this state.
      if (isTerraformChild(type)) {
        children.push({ terraformType: type, attributes: a });
        return;
      }

      // Some resources (CloudFormation stacks, SNS topics) have their ARN as their id and no `arn` attribute.
      const arnText = [a.arn, a.id].find((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
      const arn = arnText ? parseArn(arnText) : undefined;
      const region = regionOf(a, arn?.region);
      const context: TerraformContext = {
        region,
        account: accountOf(a, arn?.account),
        partition: arn?.partition ?? (region ? partitionOf(region) : defaultPartition),
        terraformType: type,
      };
      const id = arnText ?? info.mapping?.terraformArn?.(a, context) ?? str(a.id);
      if (!id) throw new RecordError(place, `${field}.id`, 'the resource has neither an arn nor an id');

      const sensitive = sensitivePaths(instance);
      const replaced = new Set(info.mapping?.terraformReplaces ?? []);
      const passthrough: Json = {};
      for (const [key, value] of Object.entries(a)) {
        if (DROPPED.has(key) || SECRET_NAME.test(key) || sensitive.has(key) || replaced.has(key)) continue;
        passthrough[key] = value;
      }
      const configuration = { ...passthrough, ...(info.mapping?.fromTerraform?.(a, context) ?? {}) };

      const record: ResourceRecord = {
        resource_id: id,
        resource_type: info.resourceType,
        name: nameOf(a, id, configuration),
        cloud_provider: info.provider,
        account: context.account,
        region: context.region,
        tags: tagsFromMap(a.tags_all, a.tags),
        configuration,
        observed_at: opts.now,
      };
      if (opts.iac) record.iac = { repo: opts.iac.repo, path: opts.iac.path };
      records.push(checkRecordLimits(record, `${place} instances[${i}]`, (name) => name));
    };
    resource.instances.forEach((instance, i) => readRecord(() => readInstance(instance, i), onInvalid));
  }
}
