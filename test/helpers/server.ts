import { loadConfig, parseRateLimits } from '../../src/config.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { createKeys } from '../../src/store/orgs.js';
import { createTestDatabase } from './db.js';

export interface TestServer {
  url: string;
  apiKey: string;
  appKey: string;
  orgId: string;
  server: RunningServer;
  /** Creates another organization (or user) with its own keys. */
  newKeys(org: string, user?: string): Promise<{ apiKey: string; appKey: string; orgId: string }>;
  /** fetch against the server with the test org's keys (override headers to use others). */
  api(path: string, init?: RequestInit & { keys?: { apiKey: string; appKey: string } }): Promise<Response>;
  stop(): Promise<void>;
}

const GENEROUS_LIMITS = 'findings=1000000,ownership=1000000,inventory=1000000,meta=1000000,unauthenticated=1000000,unmatched=1000000';

/**
 * A real server on a free port, on its own store (a fresh PostgreSQL database when DATABASE_URL is set, else in-memory
 * PGlite; Redis limits when REDIS_URL is set), with one organization `test-org` and keys for user `reviewer`.
 * Rate limits are generous unless `rateLimits` says otherwise, so that tests measure behaviour, not budgets.
 */
export async function startTestServer(
  opts: {
    rateLimits?: string;
    org?: string;
    user?: string;
    redisUrl?: string;
    publicUrl?: string;
    requestTimeoutMs?: number;
    maxConnections?: number;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = {
    ...loadConfig(),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir: database.dataDir,
    logLevel: process.env.STEWARD_LOG_LEVEL ?? 'silent',
    ...(opts.redisUrl !== undefined ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.publicUrl !== undefined ? { publicUrl: opts.publicUrl } : {}),
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
    rateLimits: parseRateLimits(`${GENEROUS_LIMITS},${opts.rateLimits ?? ''}`),
  };
  const server = await serve(config, { handleSignals: false });
  const newKeys = async (org: string, user = 'reviewer') => {
    const k = await createKeys(server.db, org, user);
    return { apiKey: k.api_key, appKey: k.app_key, orgId: k.org_id };
  };
  const main = await newKeys(opts.org ?? 'test-org', opts.user ?? 'reviewer');
  return {
    url: server.url,
    ...main,
    server,
    newKeys,
    api(path, init = {}) {
      const keys = init.keys ?? main;
      const headers = new Headers(init.headers);
      if (!headers.has('DD-API-KEY')) headers.set('DD-API-KEY', keys.apiKey);
      if (!headers.has('DD-APPLICATION-KEY')) headers.set('DD-APPLICATION-KEY', keys.appKey);
      if (init.body && typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
      // A listing's links.next is absolute: it is followed as it is.
      return fetch(/^https?:\/\//.test(path) ? path : server.url + path, { ...init, headers });
    },
    async stop() {
      await server.stop();
      await database.drop();
    },
  };
}
