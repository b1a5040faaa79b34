// The resource inventory listing exported whole (src/listing-export.ts): every resource its filters select at its
// instant, in resource id order, paged through listInventory (each page's position pins the next to the instant).
import type { Db } from '../store/db.js';
import { EXPORT_PAGE_SIZE, exportByPages, isoCell, tagsCell, type CsvColumn, type ListingExport } from '../listing-export.js';
import { listInventory, type InventoryFilter } from './resource-inventory.js';
import { serializeInventoryRow } from './resource-serializer.js';

export type InventoryItem = ReturnType<typeof serializeInventoryRow>;

export async function exportInventory(
  db: Db,
  orgId: string,
  filter: InventoryFilter,
  snapshotTimestamp: number | undefined,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ListingExport<InventoryItem>> {
  const first = await listInventory(db, orgId, { filter, limit: pageSize, snapshotTimestamp });
  return exportByPages(
    first,
    first.at,
    (page) => (page.next === undefined ? undefined : listInventory(db, orgId, { filter, limit: pageSize, position: page.next })),
    (page) => page.rows.map(serializeInventoryRow),
  );
}

export const INVENTORY_CSV_COLUMNS: ReadonlyArray<CsvColumn<InventoryItem>> = [
  ['id', (r) => r.id],
  ['resource_type', (r) => r.attributes.resource_type],
  ['name', (r) => r.attributes.name],
  ['cloud_provider', (r) => r.attributes.cloud_provider],
  ['account', (r) => r.attributes.account],
  ['region', (r) => r.attributes.region],
  ['tags', (r) => tagsCell(r.attributes.tags)],
  ['version', (r) => r.attributes.version],
  ['valid_from', (r) => isoCell(r.attributes.valid_from)],
  ['first_seen_at', (r) => isoCell(r.attributes.first_seen_at)],
  ['source', (r) => r.attributes.source],
  ['actor', (r) => r.attributes.actor],
  ['iac_repo', (r) => r.attributes.iac?.repo],
  ['iac_path', (r) => r.attributes.iac?.path],
];
