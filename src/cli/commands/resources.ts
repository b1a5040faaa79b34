import type { Command } from 'commander';
import { CliError, failWith, requireOrg, withStore } from '../with-store.js';
import { NotFound } from '../../errors.js';
import { instantReason } from '../../input-limits.js';
import {
  MAX_INVENTORY_LIMIT,
  inventoryFilterProblem,
  listInventory,
  resourceWithVersions,
  type InventoryFilter,
  type InventoryFilterField,
  type InventoryPosition,
} from '../../posture/resource-inventory.js';
import { serializeInventoryRow, serializeResourceWithVersions } from '../../posture/resource-serializer.js';

/** The option that carries each filter. */
const FILTER_OPTIONS: Record<InventoryFilterField, string> = {
  resource_type: '--type',
  account: '--account',
  region: '--region',
  source: '--source',
  tags: '--tag',
};

interface ListOptions {
  org: string;
  type?: string;
  account?: string;
  region?: string;
  tag?: string[];
  source?: string;
  at?: string;
  limit?: string;
  json?: boolean;
}

/** Unix ms, or an ISO 8601 date-time (2024-05-01T12:00:00Z), within the instants the store keeps. */
export function parseAt(raw: string): number {
  const ms = /^\d{1,16}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}(T|$)/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new CliError(`Invalid option --at: ${JSON.stringify(raw)} is neither Unix milliseconds nor an ISO 8601 date-time`);
  const outOfRange = instantReason(ms);
  if (outOfRange) throw new CliError(`Invalid option --at: ${outOfRange}`);
  return ms;
}

/** --limit: a positive integer; absent, no limit. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return Infinity;
  const n = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`Invalid option --limit: ${JSON.stringify(raw)} is not a positive integer`);
  return n;
}

function filterOf(opts: ListOptions): InventoryFilter {
  const filter: InventoryFilter = { tags: opts.tag ?? [] };
  if (opts.type !== undefined) filter.resource_type = opts.type;
  if (opts.account !== undefined) filter.account = opts.account;
  if (opts.region !== undefined) filter.region = opts.region;
  if (opts.source !== undefined) filter.source = opts.source;
  const problem = inventoryFilterProblem(filter);
  if (problem) throw new CliError(`Invalid option ${FILTER_OPTIONS[problem.field]}: ${problem.reason}`);
  return filter;
}

const iso = (ms: number | null) => (ms === null ? 'current' : new Date(ms).toISOString());

export function register(program: Command) {
  const resources = program.command('resources').description("The organization's cloud resources: list them, show one with its versions");
  resources
    .command('list')
    .description(
      'List the resources in force now (or at --at), by resource id; filters are exact values and are ANDed. ' +
        'Prints one line per resource: id, type, account, region, source (the importer or api that wrote the version in force). ' +
        'With --json, NDJSON: one {"type":"cloud_resource","id":...,"attributes":{...}} per line, as GET /api/v2/csm/resources lists them.',
    )
    .requiredOption('--org <name>', 'organization name')
    .option('--type <resource_type>', 'resource type, such as aws_s3_bucket')
    .option('--account <account>', 'AWS account id, GCP project id or Azure subscription id')
    .option('--region <region>', 'region, such as eu-west-1')
    .option('--tag <key:value>', 'a tag the resource has; repeat to require several', (tag: string, all: string[] | undefined) => [
      ...(all ?? []),
      tag,
    ])
    .option('--source <source>', 'where the version in force came from: api, import:terraform-state, import:aws-config, import:resources, ...')
    .option('--at <instant>', 'the point in time: Unix ms or ISO 8601 (2024-05-01T12:00:00Z); default now')
    .option('--limit <n>', 'print at most N resources (default: all)')
    .option('--json', 'print NDJSON, one resource a line')
    .action(async (opts: ListOptions) => {
      try {
        const filter = filterOf(opts);
        const snapshotTimestamp = opts.at === undefined ? undefined : parseAt(opts.at);
        const limit = parseLimit(opts.limit);
        const { printed, total, at } = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          // Every page reads at the first page's instant, on the same store query as the HTTP listing.
          let position: InventoryPosition | undefined;
          let printed = 0;
          for (;;) {
            const page = await listInventory(db, orgId, {
              filter,
              limit: Math.min(MAX_INVENTORY_LIMIT, limit - printed),
              snapshotTimestamp,
              position,
            });
            const lines = page.rows.map((row) =>
              opts.json
                ? JSON.stringify(serializeInventoryRow(row))
                : `${row.resource_id}  ${row.resource_type}  ${row.account || '-'}  ${row.region || '-'}  ${row.source ?? '-'}`,
            );
            if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
            printed += lines.length;
            if (!page.next || printed >= limit) return { printed, total: page.total, at: page.at };
            position = page.next;
          }
        });
        if (!opts.json) process.stderr.write(`${printed} of ${total} resources at ${iso(at)}\n`);
      } catch (err) {
        failWith(err);
      }
    });
  resources
    .command('show')
    .description(
      'Show a resource and its versions, oldest first: when each held (valid from, valid to), whether it is a deletion, and where it came from ' +
        '(source and actor). With --json, the body of GET /api/v2/csm/resources/{resource_id}.',
    )
    .argument('<resource_id>', 'the resource id (an ARN on AWS)')
    .requiredOption('--org <name>', 'organization name')
    .option('--at <instant>', 'the point in time: Unix ms or ISO 8601 (2024-05-01T12:00:00Z); default now')
    .option('--json', 'print JSON')
    .action(async (resourceId: string, opts: { org: string; at?: string; json?: boolean }) => {
      try {
        const snapshotTimestamp = opts.at === undefined ? undefined : parseAt(opts.at);
        const found = await withStore(async (db) => resourceWithVersions(db, await requireOrg(db, opts.org), resourceId, snapshotTimestamp)).catch(
          (err: unknown) => {
            throw err instanceof NotFound ? new CliError(err.message) : err;
          },
        );
        const body = serializeResourceWithVersions(found);
        if (opts.json) {
          process.stdout.write(JSON.stringify(body) + '\n');
          return;
        }
        const a = body.data.attributes;
        const lines = [
          `${body.data.id}  ${a.resource_type}  ${a.account || '-'}  ${a.region || '-'}${a.deleted ? '  (deleted)' : ''}`,
          ...a.versions.map(
            (v) => `v${v.version}  ${iso(v.valid_from)} .. ${iso(v.valid_to)}  ${v.source ?? '-'}  ${v.actor ?? '-'}${v.deleted ? '  deletion' : ''}`,
          ),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      } catch (err) {
        failWith(err);
      }
    });
}
