// Deployments that share one Redis keep their own budgets: the per-address budgets (keyed by client address, not by
// key) of one store's processes never spend another's, so one deployment's (or one test's) refusals cannot make
// another's requests answer 429.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';

test(
  'two deployments on one Redis count the same client address apart',
  { skip: !process.env.REDIS_URL && 'needs REDIS_URL: without it each process counts alone' },
  async () => {
    const [a, b] = await Promise.all([startTestServer({ rateLimits: 'unmatched=2/3600' }), startTestServer({ rateLimits: 'unmatched=2/3600' })]);
    try {
      const statuses = async (url: string, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await fetch(`${url}/api/v2/no-such-route`)).status);
        return out;
      };
      assert.deepEqual(await statuses(a.url, 3), [404, 404, 429], 'the first deployment spends its budget for this address');
      assert.deepEqual(await statuses(b.url, 2), [404, 404], 'the second still has its own');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  },
);
