// Importing the same Terraform states again writes nothing: companion resources fold in the same way every time, so
// every record's content hash is the one already stored. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { ingestResources, type IngestSummary } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { Db } from '../../src/store/db.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { fixturePath } from '../helpers/fixtures.js';
import { openTestStore } from '../helpers/db.js';
import { SAMPLE_STATES } from './terraform-sample-states.js';

const SOURCE = 'import:terraform-state';
let store: { db: Db; close(): Promise<void> };
before(async () => {
  store = await openTestStore();
});
after(async () => store?.close());

/** Every real state, and the samples with every companion type, each as a fresh document. */
function states(): Array<[string, unknown]> {
  const dir = fixturePath('terraform-state');
  const real = readdirSync(dir)
    .filter((f) => f.endsWith('.tfstate'))
    .sort()
    .map((f): [string, unknown] => [f, JSON.parse(readFileSync(fixturePath('terraform-state', f), 'utf8'))]);
  return [...real, ...SAMPLE_STATES.map(([file, doc]): [string, unknown] => [file, structuredClone(doc)])];
}

/**
 * Each state into an organization of its own: a few fixture states describe one resource differently (two driftctl
 * tests share an API Gateway deployment id), and the last state imported rightly wins there.
 */
async function importAll(now: number): Promise<IngestSummary[]> {
  const engine = builtInRuleEngine();
  const summaries: IngestSummary[] = [];
  for (const [file, doc] of states()) {
    const org = await ensureOrg(store.db, `reimport-${file}`);
    const records = parseTerraformState(doc, file, { now });
    summaries.push(await ingestResources(store.db, org.org_id, records, engine, { source: SOURCE, now }));
  }
  return summaries;
}

test('importing the real states and the companion samples again writes no version and changes no finding', async () => {
  const first = await importAll(1_700_000_000_000);
  const written = first.reduce((n, s) => n + s.created + s.updated, 0);
  assert.ok(written > 150, `only ${written} records written`);
  const again = await importAll(1_700_000_100_000);
  const total = (key: keyof IngestSummary) => again.reduce((n, s) => n + s[key], 0);
  assert.equal(total('created'), 0);
  assert.equal(total('updated'), 0);
  assert.equal(total('unchanged'), total('received'));
  assert.equal(total('findings_opened') + total('findings_closed') + total('gaps_opened') + total('gaps_closed'), 0);
});
