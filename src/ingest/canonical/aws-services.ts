// CloudTrail, KMS, Lambda, DynamoDB, ECR, SQS, SNS, CloudFront and load balancers: each service API's names.
import type { TypeMapping } from './mapping.js';
import { canonicalPolicy, policyDocument } from './policy.js';
import { block, bool, compact, isRecord, list, objects, str, type Json } from './values.js';

export const awsCloudtrailTrail: TypeMapping = {
  resourceType: 'aws_cloudtrail_trail',
  terraformTypes: ['aws_cloudtrail'],
  terraformReplaces: [
    'id',
    'arn',
    'enable_log_file_validation',
    'enable_logging',
    'cloud_watch_logs_group_arn',
    'event_selector',
    'insight_selector',
  ],
  fromTerraform: (a) =>
    compact({
      name: str(a.name) ?? str(a.id),
      trail_arn: str(a.arn),
      log_file_validation_enabled: bool(a.enable_log_file_validation),
      is_logging: bool(a.enable_logging),
      cloud_watch_logs_log_group_arn: str(a.cloud_watch_logs_group_arn),
      event_selectors: objects(a.event_selector).map((selector) =>
        compact({
          read_write_type: str(selector.read_write_type),
          include_management_events: bool(selector.include_management_events),
          exclude_management_event_sources: Array.isArray(selector.exclude_management_event_sources)
            ? selector.exclude_management_event_sources
            : undefined,
          data_resources: objects(selector.data_resource).map((r) => ({ type: r.type, values: list(r.values) })),
        }),
      ),
      has_insight_selectors: objects(a.insight_selector).length > 0,
    }),
  awsConfigTypes: ['AWS::CloudTrail::Trail'],
};

export const awsKmsKey: TypeMapping = {
  resourceType: 'aws_kms_key',
  terraformTypes: ['aws_kms_key'],
  terraformReplaces: ['id', 'is_enabled', 'enable_key_rotation', 'customer_master_key_spec', 'policy', 'multi_region'],
  fromTerraform: (a) => {
    const enabled = bool(a.is_enabled);
    return compact({
      key_id: str(a.key_id) ?? str(a.id),
      enabled,
      key_state: enabled === undefined ? undefined : enabled ? 'Enabled' : 'Disabled',
      key_manager: 'CUSTOMER',
      key_rotation_enabled: bool(a.enable_key_rotation),
      key_spec: str(a.customer_master_key_spec),
      customer_master_key_spec: str(a.customer_master_key_spec),
      multi_region: bool(a.multi_region),
      key_policy: canonicalPolicy(a.policy),
    });
  },
  awsConfigTypes: ['AWS::KMS::Key'],
};

/** Environment variable values are secrets more often than not: the names are kept, the values are not. */
function redactedVariables(variables: unknown): Json | undefined {
  if (!isRecord(variables)) return undefined;
  return Object.fromEntries(Object.keys(variables).map((name) => [name, '<redacted>']));
}

export const awsLambdaFunction: TypeMapping = {
  resourceType: 'aws_lambda_function',
  terraformTypes: ['aws_lambda_function'],
  terraformReplaces: [
    'id',
    'arn',
    'tracing_config',
    'vpc_config',
    'environment',
    'dead_letter_config',
    'layers',
    'filename',
    'source_code_hash',
    'invoke_arn',
    'qualified_arn',
  ],
  fromTerraform: (a) => {
    const tracing = block(a.tracing_config);
    const vpc = block(a.vpc_config);
    const environment = block(a.environment);
    const deadLetter = block(a.dead_letter_config);
    return compact({
      function_name: str(a.function_name) ?? str(a.id),
      function_arn: str(a.arn),
      tracing_config: tracing ? { mode: tracing.mode } : undefined,
      vpc_config: vpc
        ? compact({ subnet_ids: list(vpc.subnet_ids), security_group_ids: list(vpc.security_group_ids), vpc_id: str(vpc.vpc_id) })
        : undefined,
      environment: environment ? compact({ variables: redactedVariables(environment.variables) }) : undefined,
      dead_letter_config: deadLetter ? compact({ target_arn: str(deadLetter.target_arn) }) : undefined,
      layers: list(a.layers).map((arn) => ({ arn })),
      code_sha256: str(a.source_code_hash),
    });
  },
  awsConfigTypes: ['AWS::Lambda::Function'],
  fromAwsConfig: (configuration, supplementary) => {
    const out = { ...configuration };
    // The resource-based policy (supplementary `Policy`, a JSON string): IAM's names, conditions verbatim.
    const policy = canonicalPolicy(supplementary.Policy);
    if (policy) out.policy = policy;
    const environment = out.environment;
    if (isRecord(environment) && isRecord(environment.variables)) {
      out.environment = { ...environment, variables: redactedVariables(environment.variables) };
    }
    return out;
  },
};

export const awsDynamodbTable: TypeMapping = {
  resourceType: 'aws_dynamodb_table',
  terraformTypes: ['aws_dynamodb_table'],
  terraformReplaces: [
    'id',
    'name',
    'arn',
    'attribute',
    'hash_key',
    'range_key',
    'billing_mode',
    'read_capacity',
    'write_capacity',
    'server_side_encryption',
    'point_in_time_recovery',
    'stream_enabled',
    'stream_view_type',
    'stream_arn',
    'stream_label',
    'global_secondary_index',
    'local_secondary_index',
    'ttl',
  ],
  fromTerraform: (a) => {
    const sse = block(a.server_side_encryption);
    const pitr = block(a.point_in_time_recovery);
    const ttl = block(a.ttl);
    const keySchema = (hash: unknown, range: unknown) =>
      [str(hash) && { attribute_name: hash, key_type: 'HASH' }, str(range) && { attribute_name: range, key_type: 'RANGE' }].filter(Boolean) as Json[];
    const index = (i: Json) =>
      compact({
        index_name: str(i.name),
        key_schema: keySchema(i.hash_key, i.range_key),
        projection: compact({
          projection_type: str(i.projection_type),
          non_key_attributes: Array.isArray(i.non_key_attributes) ? i.non_key_attributes : undefined,
        }),
      });
    return compact({
      table_name: str(a.name) ?? str(a.id),
      table_arn: str(a.arn),
      attribute_definitions: objects(a.attribute).map((d) => ({ attribute_name: d.name, attribute_type: d.type })),
      key_schema: keySchema(a.hash_key, a.range_key),
      billing_mode_summary: str(a.billing_mode) ? { billing_mode: a.billing_mode } : undefined,
      provisioned_throughput: compact({ read_capacity_units: a.read_capacity, write_capacity_units: a.write_capacity } as Json),
      // Without a server_side_encryption block the table uses an AWS owned key, and the API gives no SSEDescription.
      sse_description:
        sse && sse.enabled === true ? compact({ status: 'ENABLED', sse_type: 'KMS', kms_master_key_arn: str(sse.kms_key_arn) }) : undefined,
      continuous_backups_description: pitr
        ? { point_in_time_recovery_description: { point_in_time_recovery_status: pitr.enabled === true ? 'ENABLED' : 'DISABLED' } }
        : undefined,
      stream_specification: compact({ stream_enabled: bool(a.stream_enabled), stream_view_type: str(a.stream_view_type) }),
      latest_stream_arn: str(a.stream_arn),
      global_secondary_indexes: objects(a.global_secondary_index).map(index),
      local_secondary_indexes: objects(a.local_secondary_index).map(index),
      time_to_live_description: ttl
        ? compact({ attribute_name: str(ttl.attribute_name), time_to_live_status: ttl.enabled === true ? 'ENABLED' : 'DISABLED' })
        : undefined,
    });
  },
  awsConfigTypes: ['AWS::DynamoDB::Table'],
};

export const awsEcrRepository: TypeMapping = {
  resourceType: 'aws_ecr_repository',
  terraformTypes: ['aws_ecr_repository'],
  terraformReplaces: ['id', 'name', 'arn', 'repository_url', 'image_scanning_configuration', 'encryption_configuration'],
  fromTerraform: (a) => {
    const scanning = block(a.image_scanning_configuration);
    const encryption = block(a.encryption_configuration);
    return compact({
      repository_name: str(a.name) ?? str(a.id),
      repository_arn: str(a.arn),
      repository_uri: str(a.repository_url),
      image_scanning_configuration: scanning ? { scan_on_push: scanning.scan_on_push } : undefined,
      encryption_configuration: encryption
        ? compact({ encryption_type: str(encryption.encryption_type), kms_key: str(encryption.kms_key) })
        : undefined,
    });
  },
  awsConfigTypes: ['AWS::ECR::Repository'],
};

export const awsSqsQueue: TypeMapping = {
  resourceType: 'aws_sqs_queue',
  terraformTypes: ['aws_sqs_queue'],
  terraformReplaces: [
    'id',
    'arn',
    'policy',
    'visibility_timeout_seconds',
    'message_retention_seconds',
    'max_message_size',
    'receive_wait_time_seconds',
    'redrive_policy',
  ],
  fromTerraform: (a) =>
    compact({
      queue_url: str(a.id),
      queue_arn: str(a.arn),
      policy: canonicalPolicy(a.policy),
      visibility_timeout: a.visibility_timeout_seconds,
      message_retention_period: a.message_retention_seconds,
      maximum_message_size: a.max_message_size,
      receive_message_wait_time_seconds: a.receive_wait_time_seconds,
      redrive_policy: policyDocument(a.redrive_policy),
    } as Json),
  awsConfigTypes: ['AWS::SQS::Queue'],
};

export const awsSnsTopic: TypeMapping = {
  resourceType: 'aws_sns_topic',
  terraformTypes: ['aws_sns_topic'],
  terraformReplaces: ['id', 'arn', 'policy', 'delivery_policy'],
  fromTerraform: (a) =>
    compact({
      topic_arn: str(a.arn) ?? str(a.id),
      policy: canonicalPolicy(a.policy),
      delivery_policy: policyDocument(a.delivery_policy),
    }),
  awsConfigTypes: ['AWS::SNS::Topic'],
};

export const awsCloudfrontDistribution: TypeMapping = {
  resourceType: 'aws_cloudfront_distribution',
  terraformTypes: ['aws_cloudfront_distribution'],
  terraformReplaces: ['default_cache_behavior', 'viewer_certificate', 'logging_config', 'web_acl_id'],
  fromTerraform: (a) => {
    const behavior = block(a.default_cache_behavior);
    const certificate = block(a.viewer_certificate);
    const logging = block(a.logging_config);
    return compact({
      default_cache_behavior: behavior
        ? compact({ viewer_protocol_policy: str(behavior.viewer_protocol_policy), target_origin_id: str(behavior.target_origin_id) })
        : undefined,
      viewer_certificate: certificate
        ? compact({
            minimum_protocol_version: str(certificate.minimum_protocol_version),
            ssl_support_method: str(certificate.ssl_support_method),
            cloud_front_default_certificate: bool(certificate.cloudfront_default_certificate),
            acm_certificate_arn: str(certificate.acm_certificate_arn),
          })
        : undefined,
      logging: { enabled: Boolean(logging && str(logging.bucket)), bucket: logging ? str(logging.bucket) : undefined },
      web_acl_id: str(a.web_acl_id) ?? '',
    });
  },
  awsConfigTypes: ['AWS::CloudFront::Distribution'],
};

export const awsElb: TypeMapping = {
  resourceType: 'aws_elb',
  terraformTypes: ['aws_elb'],
  terraformReplaces: ['id', 'name', 'internal', 'listener', 'access_logs'],
  fromTerraform: (a) => {
    const logs = block(a.access_logs);
    return compact({
      load_balancer_name: str(a.name) ?? str(a.id),
      scheme: a.internal === true ? 'internal' : 'internet-facing',
      listener_descriptions: objects(a.listener).map((l) => ({
        listener: compact({
          protocol: str(l.lb_protocol)?.toUpperCase(),
          load_balancer_port: l.lb_port,
          instance_protocol: str(l.instance_protocol)?.toUpperCase(),
          instance_port: l.instance_port,
          ssl_certificate_id: str(l.ssl_certificate_id),
        } as Json),
      })),
      access_log: { enabled: logs?.enabled === true, s3_bucket_name: logs ? str(logs.bucket) : undefined },
    });
  },
  awsConfigTypes: ['AWS::ElasticLoadBalancing::LoadBalancer'],
};

export const awsElbv2LoadBalancer: TypeMapping = {
  resourceType: 'aws_elbv2_load_balancer',
  terraformTypes: ['aws_lb', 'aws_alb'],
  terraformReplaces: ['id', 'arn', 'name', 'internal', 'load_balancer_type', 'access_logs', 'subnets', 'subnet_mapping'],
  fromTerraform: (a) => {
    const logs = block(a.access_logs);
    return compact({
      load_balancer_arn: str(a.arn) ?? str(a.id),
      load_balancer_name: str(a.name),
      scheme: a.internal === true ? 'internal' : 'internet-facing',
      type: str(a.load_balancer_type),
      availability_zones: list(a.subnets).map((subnet) => ({ subnet_id: subnet })),
      access_logs_s3_enabled: logs ? logs.enabled === true : false,
      deletion_protection_enabled: bool(a.enable_deletion_protection),
      drop_invalid_header_fields_enabled: bool(a.drop_invalid_header_fields),
    });
  },
  awsConfigTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
};
