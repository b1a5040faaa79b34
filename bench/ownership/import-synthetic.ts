// Imports the synthetic organization's files through the same functions the `steward import ...` commands call.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { importResourcesAtomically, fromArray } from '../../src/ingest/resource-batches.js';
import { readNdjson, readJsonDocument } from '../../src/ingest/read-records.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { parseBackstageFiles } from '../../src/ingest/backstage.js';
import { parseServiceDefinitions } from '../../src/ingest/service-definitions.js';
import { parseCodeowners } from '../../src/ingest/codeowners.js';
import { parseDirectoryDocument } from '../../src/ingest/directory-document.js';
import { importCloudTrailFiles } from '../../src/cli/commands/import-cloudtrail.js';
import { importCodeowners, importDirectory, importPreferences, importServices } from '../../src/ownership/signal-imports.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import type { Db } from '../../src/store/db.js';

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/** Returns seconds per step. `notes` collects what an importer refused. */
export async function importSynthetic(
  db: Db,
  orgId: string,
  dir: string,
  files: Record<string, string>,
  notes: string[],
): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    try {
      await fn();
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message.slice(0, 300)}`);
    }
    took[name] = (performance.now() - t) / 1000;
  };
  const now = Date.now();
  const rules = builtInRuleEngine();
  const names = Object.keys(files);

  // Backstage first: the directory and catalog the other signals refer to (as `steward import backstage`).
  await step('backstage', async () => {
    const list = names.filter((n) => n.startsWith('catalog/backstage/'));
    const catalog = parseBackstageFiles(list.map((n) => ({ text: files[n]!, source: join(dir, n) })));
    await db.transaction(async (tx) => {
      await importDirectory(tx, orgId, { users: catalog.users, teams: catalog.teams }, 'backstage', now);
      await importServices(tx, orgId, catalog.services, 'backstage', now);
    });
  });
  // The people list, as the directory API takes a document (a separate source so Backstage users stay active).
  if (files['directory/people.json']) {
    await step('directory', async () => {
      const doc = parseDirectoryDocument(JSON.parse(files['directory/people.json']!));
      await db.transaction((tx) => importDirectory(tx, orgId, doc, doc.source, now));
    });
  }
  await step('service-definitions', async () => {
    const services = names.filter((n) => n.startsWith('catalog/datadog/')).flatMap((n) => parseServiceDefinitions(files[n]!, join(dir, n)));
    await db.transaction((tx) => importServices(tx, orgId, services, 'service_catalog', now));
  });
  await step('resources', async () => {
    const file = join(dir, 'resources.ndjson');
    const records = () =>
      (async function* (): AsyncIterable<ResourceRecord> {
        for await (const { value, line } of readNdjson(file)) yield parseResourceItem(value, `${file} line ${line}`, now);
      })();
    await importResourcesAtomically(db, orgId, records, rules, { source: 'import:resources' });
  });
  await step('terraform-state', async () => {
    const manifest = JSON.parse(files['manifest.json']!) as { terraform: { file: string; repo: string; path: string }[] };
    for (const t of manifest.terraform) {
      const file = join(dir, t.file);
      const records = parseTerraformState(await readJsonDocument(file), file, { now, iac: { repo: t.repo, path: t.path } });
      await importResourcesAtomically(db, orgId, fromArray(records), rules, { source: 'import:terraform-state' });
    }
  });
  await step('cloudtrail', () =>
    importCloudTrailFiles(
      db,
      orgId,
      names.filter((n) => n.startsWith('cloudtrail/')).map((n) => join(dir, n)),
    ),
  );
  await step('codeowners', async () => {
    for (const n of names.filter((x) => x.endsWith('/.github/CODEOWNERS'))) {
      const repo = n.slice('repos/'.length, n.indexOf('/.github/'));
      const rules = parseCodeowners(readFileSync(join(dir, n), 'utf8'), join(dir, n));
      await db.transaction((tx) => importCodeowners(tx, orgId, repo, rules, now));
    }
  });
  await step('preferences', () => db.transaction((tx) => importPreferences(tx, orgId, files['preferences.csv']!, null, now)));
  return took;
}
