import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../config.js';

export interface WindowCount {
  count: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/** Where the counts are kept: this process alone, the shared Redis, or this process while Redis is unreachable. */
export type RateLimiterState = 'process' | 'redis' | 'degraded';

/** Counts requests in fixed windows aligned on the period (a minute starts at :00). */
export interface RateLimiter {
  hit(family: string, keyId: string, rule: RateLimitRule, now?: number): Promise<WindowCount>;
  /** The count spent so far in the current window, without spending. */
  peek(family: string, keyId: string, rule: RateLimitRule, now?: number): Promise<number>;
  state(): RateLimiterState;
  close(): Promise<void>;
}

export interface LimiterLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

function windowOf(rule: RateLimitRule, now: number) {
  const periodMs = rule.periodSeconds * 1000;
  const start = Math.floor(now / periodMs) * periodMs;
  return { start, resetSeconds: Math.max(1, Math.ceil((start + periodMs - now) / 1000)) };
}

export function memoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  // Windows of past periods are dropped now and then, so counting per client address holds no unbounded map.
  const sweep = (now: number) => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [key, w] of windows) if (now - w.start > 3_600_000) windows.delete(key);
  };
  return {
    async hit(family, keyId, rule, now = Date.now()) {
      sweep(now);
      const { start, resetSeconds } = windowOf(rule, now);
      const key = `${family}:${keyId}`;
      let w = windows.get(key);
      if (!w || w.start !== start) {
        w = { start, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return { count: w.count, resetSeconds };
    },
    async peek(family, keyId, rule, now = Date.now()) {
      const w = windows.get(`${family}:${keyId}`);
      return w && w.start === windowOf(rule, now).start ? w.count : 0;
    },
    state: () => 'process',
    async close() {},
  };
}

/** How often a limiter degraded on a live connection tries Redis again. */
const PROBE_INTERVAL_MS = 1000;

/**
 * One budget for every server process that shares the Redis. While Redis is unreachable the budgets are this
 * process's own (a degraded service beats no service); the client reconnects by itself and the shared counts resume.
 * A command that fails on a live connection (a reply later than the command timeout: a slow Redis, or this process's
 * own event loop held up) degrades the limiter too, but the connection never drops to announce the way back, so one
 * request per probe interval tries Redis again and its success restores the shared counts.
 */
export function redisRateLimiter(redis: Redis, log?: LimiterLog, namespace = ''): RateLimiter {
  const local = memoryRateLimiter();
  // One deployment's budgets: those of another sharing the Redis are keyed under its own namespace.
  const redisKey = (family: string, keyId: string, start: number) => `steward:rl:${namespace ? `${namespace}:` : ''}${family}:${keyId}:${start}`;
  let state: RateLimiterState = redis.status === 'ready' ? 'redis' : 'degraded';
  const become = (next: RateLimiterState, err?: unknown) => {
    if (next === state) return;
    state = next;
    if (next === 'degraded') log?.warn({ err, rate_limits: 'process' }, 'Redis unreachable: rate limits are counted per process until it is back');
    else log?.info({ rate_limits: 'redis' }, 'Redis reachable: rate limits are shared by every process');
  };
  redis.on('ready', () => become('redis'));
  redis.on('error', (err) => become('degraded', err));
  redis.on('close', () => become('degraded'));
  let nextProbeAt = 0;
  // Whether this request counts in Redis: always while the limiter is up; while degraded on a live connection, one
  // request per interval (the one that claims the probe: concurrent requests count here meanwhile).
  const tryRedis = () => {
    if (state === 'redis') return true;
    if (redis.status !== 'ready' || Date.now() < nextProbeAt) return false;
    nextProbeAt = Date.now() + PROBE_INTERVAL_MS;
    return true;
  };
  return {
    async hit(family, keyId, rule, now = Date.now()) {
      if (tryRedis()) {
        const { start, resetSeconds } = windowOf(rule, now);
        const key = redisKey(family, keyId, start);
        try {
          const result = await redis
            .multi()
            .incr(key)
            .pexpire(key, rule.periodSeconds * 2000)
            .exec();
          const count = Number(result?.[0]?.[1] ?? 0);
          become('redis');
          return { count, resetSeconds };
        } catch (err) {
          nextProbeAt = Date.now() + PROBE_INTERVAL_MS;
          become('degraded', err);
        }
      }
      return local.hit(family, keyId, rule, now);
    },
    async peek(family, keyId, rule, now = Date.now()) {
      if (state === 'redis') {
        try {
          return Number((await redis.get(redisKey(family, keyId, windowOf(rule, now).start))) ?? 0);
        } catch (err) {
          become('degraded', err);
        }
      }
      return local.peek(family, keyId, rule, now);
    },
    state: () => state,
    async close() {
      redis.disconnect();
    },
  };
}

/** How long one Redis command may take before the request is counted locally instead. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

export async function openRateLimiter(redisUrl?: string, log?: LimiterLog, namespace?: string): Promise<RateLimiter> {
  if (!redisUrl) return memoryRateLimiter();
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    // Fail fast while disconnected: a request is never held waiting for Redis.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  const limiter = redisRateLimiter(redis, log, namespace);
  try {
    await redis.connect();
  } catch (err) {
    // Start degraded; the client keeps reconnecting in the background.
    log?.warn({ err, rate_limits: 'process' }, 'Redis unreachable at start: rate limits are counted per process until it is back');
  }
  return limiter;
}
