// Settings from the environment, read in one place: nothing else reads process.env; each part is given what it needs.
import { withoutTrailingSlashes } from './trailing-slashes.js';

export interface RateLimitRule {
  limit: number;
  periodSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  logLevel: string;
  bodyLimitBytes: number;
  /** How long a client may take to send a whole request (headers and body); a slower one is answered 408 and cut off. */
  requestTimeoutMs: number;
  /** How many connections one server process holds open; past it, new ones are closed at once. */
  maxConnections: number;
  rateLimits: Record<string, RateLimitRule>;
  /** Connections each process keeps to PostgreSQL. */
  pgPoolSize: number;
  /** Exact listing counts each process reuses until the findings change (0: always count). */
  countCacheSize: number;
  /** How often organizations whose learnt signal weights moved are re-inferred. */
  weightsRefreshMs: number;
  /** How often the ends of expired mutes are written into their findings' history. */
  muteExpiryMs: number;
  /** Where clients reach the server (scheme, host, path prefix): page links are built on it; else on each request's own. */
  publicUrl?: string;
}

/**
 * Endpoint families and their budget per API key per window (the findings family is Datadog's 100 a minute); the
 * last two are budgets per client address: requests whose keys fail, and requests that match no route.
 */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimitRule> = {
  findings: { limit: 100, periodSeconds: 60 },
  ownership: { limit: 1000, periodSeconds: 60 },
  inventory: { limit: 300, periodSeconds: 60 },
  meta: { limit: 60, periodSeconds: 60 },
  unauthenticated: { limit: 30, periodSeconds: 60 },
  unmatched: { limit: 300, periodSeconds: 60 },
};

/**
 * Parses `family=limit[/seconds],...`, e.g. `findings=100,ownership=500/60`, over `base`'s families: a family it does
 * not have would limit nothing (a typo's budget would silently stay the default), and a window of 0 seconds none.
 */
export function parseRateLimits(spec: string | undefined, base = DEFAULT_RATE_LIMITS): Record<string, RateLimitRule> {
  const out: Record<string, RateLimitRule> = structuredClone(base);
  if (!spec) return out;
  const refuse = (why: string) => new ConfigError(`STEWARD_RATE_LIMITS: ${why}`);
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)=(\d+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw refuse(`cannot read "${part}" (expected family=limit or family=limit/seconds)`);
    const [, family, limit, seconds] = m as unknown as [string, string, string, string | undefined];
    if (!Object.hasOwn(base, family)) throw refuse(`"${family}" is not an endpoint family (${Object.keys(base).join(', ')})`);
    if (Number(limit) < 1) throw refuse(`"${part}": a limit is at least 1 request`);
    if (seconds !== undefined && Number(seconds) < 1) throw refuse(`"${part}": a window is at least 1 second`);
    out[family] = { limit: Number(limit), periodSeconds: seconds !== undefined ? Number(seconds) : out[family]!.periodSeconds };
  }
  return out;
}

/** A setting the environment gives that cannot be used: the message names the variable and what it accepts. */
export class ConfigError extends Error {}

/** A whole number setting within [min, max], or its default when unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name}: "${raw}" is not a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}${why}`);
  }
  return value;
}

/**
 * An http(s) address without query, fragment or credentials, without its trailing slash; undefined when unset. Behind
 * a proxy that terminates TLS or rewrites the host, the request's own scheme and Host are not what clients reach.
 */
function publicUrlSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${name}: "${raw}" is not an http(s) address without query, fragment or credentials (e.g. https://steward.example.com)`);
  }
  return withoutTrailingSlashes(`${url.origin}${url.pathname}`);
}

/** The log levels pino knows, most to least verbose, and `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function logLevelSetting(env: NodeJS.ProcessEnv): string {
  const raw = env.STEWARD_LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError(`STEWARD_LOG_LEVEL: "${raw}" is not one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicUrl = publicUrlSetting(env, 'STEWARD_PUBLIC_URL');
  return {
    port: wholeNumber(env, 'PORT', 8080, 0, 65535),
    // Empty is unset, as for every setting (an env file's `HOST=` line).
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: env.STEWARD_DATA_DIR || './data',
    logLevel: logLevelSetting(env),
    bodyLimitBytes: wholeNumber(env, 'STEWARD_BODY_LIMIT', 10 * 1024 * 1024, 1),
    requestTimeoutMs: wholeNumber(env, 'STEWARD_REQUEST_TIMEOUT_MS', 120_000, 1),
    maxConnections: wholeNumber(env, 'STEWARD_MAX_CONNECTIONS', 10_000, 1),
    rateLimits: parseRateLimits(env.STEWARD_RATE_LIMITS),
    // Work under an advisory lock (migrations, leases) holds one connection and queries through another.
    pgPoolSize: wholeNumber(env, 'STEWARD_PG_POOL', 10, 2, 1000, ' (work under a lock holds one connection and uses another)'),
    countCacheSize: wholeNumber(env, 'STEWARD_COUNT_CACHE_SIZE', 2000, 0),
    weightsRefreshMs: wholeNumber(env, 'STEWARD_WEIGHTS_REFRESH_MS', 60_000, 1),
    muteExpiryMs: wholeNumber(env, 'STEWARD_MUTE_EXPIRY_MS', 30_000, 1),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}
