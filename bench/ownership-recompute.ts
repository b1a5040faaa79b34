// Issue 6: a full ownership recompute of the synthetic organization's resources (imported through the importers),
// and the delay from a signal change to the new inference with the server's background worker running.
// Run alone: npx tsx bench/ownership-recompute.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../src/server/serve.js';
import { loadConfig } from '../src/config.js';
import { recomputeUntilEmpty } from '../src/ownership/use-cases/recompute.js';
import { importResourcesAtomically, fromArray } from '../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../src/posture/rule-pack-engine.js';
import { inferencesOfMany } from '../src/store/ownership-inferences.js';
import { getResource } from '../src/store/resources.js';
import { ensureOrg } from '../src/store/orgs.js';
import type { ResourceRecord } from '../src/posture/resource.js';
import type { Db } from '../src/store/db.js';
import { generateSyntheticOrg, type SyntheticOrg } from './ownership/synthetic-org.js';
import { importSynthetic, writeFiles } from './ownership/import-synthetic.js';
import { createBenchStore } from './lib/store.js';
import { int, ms, scaled, summarize } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

/**
 * The recompute benchmarks' organization: the synthetic organization of `resources` resources (seed 7) with its
 * signals, imported through the importers into `db` (which queues its resources for inference). `notes` collects what
 * an importer refused.
 */
export async function seedRecomputeOrg(db: Db, resources: number, notes: string[]): Promise<{ orgId: string; org: SyntheticOrg }> {
  const org = generateSyntheticOrg({ resources, seed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'steward-bench-recompute-'));
  try {
    writeFiles(dir, org.files);
    const { org_id: orgId } = await ensureOrg(db, org.model.org);
    await importSynthetic(db, orgId, dir, org.files, notes);
    return { orgId, org };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchOwnershipRecompute(): Promise<string> {
  const resources = scaled(100_000, 1000);
  const changes = scaled(30, 5);
  const store = await createBenchStore('recompute');
  let db = await store.open();
  const notes: string[] = [];
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    const { orgId, org } = await seedRecomputeOrg(db, resources, notes);
    const t = performance.now();
    const r = await recomputeUntilEmpty(db, { orgId });
    const s = (performance.now() - t) / 1000;
    console.log(`recompute: ${r.done} in ${s.toFixed(1)} s`);
    await db.close();

    server = await serve(
      { ...loadConfig({}), port: 0, databaseUrl: store.databaseUrl, dataDir: store.dataDir, logLevel: 'error' },
      { handleSignals: false },
    );
    db = server.db;
    const delays: number[] = [];
    let timeouts = 0;
    const rules = builtInRuleEngine();
    for (let i = 0; i < changes; i++) {
      const id = org.model.resources[(i * 7919) % org.model.resources.length]!.arn;
      const stored = await getResource(db, orgId, id);
      if (!stored) continue;
      const before = (await inferencesOfMany(db, orgId, [id])).find((x) => x.slot === 'team')?.checksum;
      const s0 = stored as unknown as ResourceRecord & { tags: string[] };
      const record: ResourceRecord = {
        resource_id: id,
        resource_type: s0.resource_type,
        name: s0.name,
        cloud_provider: s0.cloud_provider,
        account: s0.account,
        region: s0.region,
        tags: [...s0.tags.filter((x) => !x.startsWith('team:')), `team:bench-change-${i}`],
        configuration: s0.configuration,
        observed_at: Date.now(),
      };
      const changed = performance.now();
      await importResourcesAtomically(db, orgId, fromArray([record]), rules, { source: 'bench' });
      for (;;) {
        const now = (await inferencesOfMany(db, orgId, [id])).find((x) => x.slot === 'team')?.checksum;
        if (now !== undefined && now !== before) {
          delays.push(performance.now() - changed);
          break;
        }
        if (performance.now() - changed > 30_000) {
          timeouts++;
          break;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    const d = summarize(delays);
    return [
      `### Ownership recompute (issue 6)`,
      ``,
      `Synthetic organization of ${int(resources)} resources with its directory, services, Terraform states, CloudTrail events, CODEOWNERS and preferences, imported through the importers.`,
      ``,
      `- Full recompute with \`recomputeUntilEmpty\`: ${int(r.done)} resources in ${s.toFixed(1)} s, **${int(r.done / s)} resources/s** (${r.failed} failed).`,
      `- Signal change (a resource's \`team:\` tag re-imported) to a new team-inference checksum in the store, server's background worker running: ` +
        `**p50 ${ms(d.p50)} ms, p99 ${ms(d.p99)} ms** over ${d.n} changes${timeouts ? `, ${timeouts} not seen within 30 s` : ''}.`,
      ...(notes.length ? ['', 'Importer problems:', '', ...notes.map((n) => `- ${n}`)] : []),
    ].join('\n');
  } finally {
    if (server) await server.stop();
    else await db.close();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('ownership-recompute', await benchOwnershipRecompute());
}
