// Issue 17: what a findings page costs outside its SQL. Beside each listing request: its page statement run directly
// on the same store (its kept count runs beside it, on another connection), and a bare Fastify route answering the
// same JSON from memory (the ceiling of any route). The fixed cost is the request's p50 less its SQL's p50.
// Run alone: npx tsx bench/request-overhead.ts
import Fastify from 'fastify';
import { parseListQuery } from '../src/findings/list-query.js';
import { buildPageQuery } from '../src/store/findings-query.js';
import { serveBench, storeWithFindings } from './findings-api.js';
import { int, ms, scaled, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const CASES: [string, string][] = [
  ['no filter', ''],
  ['filter[evaluation]=fail', 'filter[evaluation]=fail'],
  ['filter[rule_id]=aws-s3-bucket-3', 'filter[rule_id]=aws-s3-bucket-3'],
  ['filter[tags]=team:team-7', 'filter[tags]=team:team-7'],
];

/** Times `n` rounds of calling each of `fns` once, in order, after 3 rounds of warm-up: each one's times in ms. */
async function timeInTurn(fns: Array<() => Promise<unknown>>, n: number): Promise<number[][]> {
  const times = fns.map(() => [] as number[]);
  for (let round = -3; round < n; round++) {
    for (const [i, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      if (round >= 0) times[i]!.push(performance.now() - t);
    }
  }
  return times;
}

/** A bare Fastify server answering `body` from memory on one route: what any route costs at least. */
async function bareServer(body: string) {
  const app = Fastify({ logger: false });
  app.get('/page', async (_request, reply) => reply.type('application/json').send(body));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${url}/page`, close: () => app.close() };
}

export async function benchRequestOverhead(): Promise<string> {
  const iterations = scaled(300, 50);
  const { store, keys, count, ...seeded } = await storeWithFindings('overhead', 'bench-overhead');
  await seeded.db.close();
  const server = await serveBench(store);
  const db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  const rows: (string | number)[][] = [];
  try {
    for (const [label, qs] of CASES) {
      const url = `${server.url}/api/v2/posture_management/findings${qs ? `?${qs}` : ''}`;
      const body = await (await fetch(url, { headers })).text();
      const req = parseListQuery(new URLSearchParams(qs));
      // The page statement the request runs (its count is kept from the first request: the findings do not change).
      const page = buildPageQuery(keys.org_id, { filter: req.filter, at: Date.now(), limit: req.limit + 1 });
      const bare = await bareServer(body);
      // The three in turn, one of each per round: whatever else the machine does weighs on all three alike.
      const [apiTimes, sqlTimes, bareTimes] = await timeInTurn(
        [
          async () => (await fetch(url, { headers })).arrayBuffer(),
          () => db.query(page.sql, page.params),
          async () => (await fetch(bare.url)).arrayBuffer(),
        ],
        iterations,
      );
      await bare.close();
      const [api, sql, ceiling] = [summarize(apiTimes!), summarize(sqlTimes!), summarize(bareTimes!)];
      const fixed = api.p50 - sql.p50;
      rows.push([label, ms(api.p50), ms(sql.p50), ms(fixed), ms(ceiling.p50), ms(fixed - ceiling.p50), int(body.length)]);
      console.log(`overhead: ${label}: api ${ms(api.p50)} ms, sql ${ms(sql.p50)} ms, bare route ${ms(ceiling.p50)} ms`);
    }
  } finally {
    await server.stop();
    await store.remove();
  }
  return [
    `### The cost outside SQL (issue 17)`,
    ``,
    `${int(count)} findings; \`GET /api/v2/posture_management/findings\` (page of 100, first page with its exact total), ${iterations} ` +
      `rounds after 3 warm-ups, each round one request, its page statement run directly on the store, and one request to the bare route, in ` +
      `turn (so that the machine's other work weighs on the three alike). "page SQL" is the statement the request runs for its page; the request ` +
      `also reads its instant with the findings' last change, under which its exact count is kept from the first request (the findings do not ` +
      `change here; a change counts again, from the kept counts for these filters); "fixed" is the ` +
      `request's p50 less that; "bare route" is a Fastify route answering the same JSON from memory, the least any route costs here (the HTTP ` +
      `round trip and the client); "over the bare route" is what Steward adds beyond it (goal: at most 1 ms).`,
    ``,
    table(['filter', 'request p50 ms', 'page SQL p50 ms', 'fixed p50 ms', 'bare route p50 ms', 'over the bare route ms', 'body bytes'], rows),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('request-overhead', await benchRequestOverhead());
}
