import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Signal writers compute each next version from the latest they read: concurrent imports of one organization must
// take turns, never answer 500 (duplicate versions), and leave one version per distinct content in order.
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

const directory = (i: number) => ({
  source: 'hr',
  users: [{ handle: 'jane.doe', name: `Jane ${i}`, teams: ['payments'] }],
  teams: [{ handle: 'payments', name: `Payments ${i}` }],
});

const preferences = (i: number) =>
  [
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority',
    `m${i},tag_mapping,cost-center,c${i},team-${i},team,high,,,,,1`,
  ].join('\n');

test(
  'concurrent directory and preferences imports of one organization take turns',
  { skip: !process.env.DATABASE_URL && 'PGlite runs one transaction at a time' },
  async () => {
    for (let round = 0; round < 3; round++) {
      const writes = Array.from({ length: 12 }, (_, i) => {
        const n = round * 100 + i;
        return i % 2
          ? s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(directory(n)) })
          : s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: preferences(n), headers: { 'content-type': 'text/csv' } });
      });
      const answers = await Promise.all(writes);
      const failed = await Promise.all(answers.filter((a) => a.status >= 300).map(async (a) => `${a.status} ${await a.text()}`));
      assert.deepEqual(failed, [], `round ${round}`);
    }
    const versions = (
      await s.server.db.query<{ key: string; versions: number[] }>(
        `SELECT kind || ':' || key AS key, array_agg(version ORDER BY version) AS versions FROM signal_versions WHERE org_id = $1 GROUP BY kind, key`,
        [s.orgId],
      )
    ).rows;
    assert.ok(versions.length > 0, 'the team was recorded');
    for (const v of versions)
      assert.deepEqual(
        v.versions,
        v.versions.map((_, i) => i + 1),
        `versions of ${v.key} are contiguous`,
      );
  },
);
