// Issue 3: ingest and evaluation of generated resources through the product's atomic import, against a bulk load
// of the very rows it wrote (resources, versions, findings, finding states) into the same store.
// Run alone: npx tsx bench/ingest.ts
import { importResourcesAtomically, fromArray } from '../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../src/posture/rule-pack-engine.js';
import { ensureOrg } from '../src/store/orgs.js';
import { createBenchStore } from './lib/store.js';
import { generateResources } from './lib/resources.js';
import { bulkCopyOrg } from './lib/bulk-sql.js';
import { int, scaled, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

export async function benchIngest(): Promise<string> {
  const count = scaled(100_000, 1000);
  const records = generateResources(count);
  const store = await createBenchStore('ingest');
  const db = await store.open();
  try {
    const org = await ensureOrg(db, 'bench-ingest');
    const bulk = await ensureOrg(db, 'bench-bulk');
    const rules = builtInRuleEngine();
    const started = performance.now();
    const summary = await importResourcesAtomically(db, org.org_id, fromArray(records), rules, { source: 'bench' });
    const productMs = performance.now() - started;
    let bulkMs = 0;
    const rows: Record<string, number> = {};
    await db.transaction(async (tx) => {
      for (const t of ['resources', 'resource_versions', 'findings', 'finding_states']) {
        const r = await bulkCopyOrg(tx, t, org.org_id, bulk.org_id);
        bulkMs += r.ms;
        rows[t] = r.rows;
      }
    });
    const types = new Set(records.map((r) => r.resource_type));
    const perSec = count / (productMs / 1000);
    const bulkPerSec = count / (bulkMs / 1000);
    console.log(`ingest: ${count} resources in ${(productMs / 1000).toFixed(1)} s (${int(perSec)}/s); bulk ${(bulkMs / 1000).toFixed(1)} s`);
    return [
      `### Ingest and evaluation (issue 3)`,
      ``,
      `${int(count)} generated resources of ${types.size} types (${[...types].join(', ')}), evaluated against the built-in rule pack: ${int(summary.findings_opened)} findings opened.`,
      ``,
      table(
        ['path', 'seconds', 'resources / s'],
        [
          ['`importResourcesAtomically` (check pass, then write + evaluate in one transaction)', (productMs / 1000).toFixed(1), int(perSec)],
          [
            `bulk INSERT ... jsonb_to_recordset of the same rows (${Object.entries(rows)
              .map(([t, n]) => `${int(n)} ${t}`)
              .join(', ')})`,
            (bulkMs / 1000).toFixed(1),
            int(bulkPerSec),
          ],
        ],
      ),
      ``,
      `Product / bulk time ratio: **${(productMs / bulkMs).toFixed(1)}x**.`,
    ].join('\n');
  } finally {
    await db.close();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('ingest', await benchIngest());
}
