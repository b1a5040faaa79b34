import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../config.js';

export interface WindowCount {
  count: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/** Counts requests in fixed windows aligned on the period (a minute starts at :00). */
export interface RateLimiter {
  hit(family: string, keyId: string, rule: RateLimitRule, now?: number): Promise<WindowCount>;
  close(): Promise<void>;
}

function windowOf(rule: RateLimitRule, now: number) {
  const periodMs = rule.periodSeconds * 1000;
  const start = Math.floor(now / periodMs) * periodMs;
  return { start, resetSeconds: Math.max(1, Math.ceil((start + periodMs - now) / 1000)) };
}

export function memoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async hit(family, keyId, rule, now = Date.now()) {
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
    async close() {},
  };
}

/** One budget for every server process that shares the Redis. */
export function redisRateLimiter(redis: Redis): RateLimiter {
  return {
    async hit(family, keyId, rule, now = Date.now()) {
      const { start, resetSeconds } = windowOf(rule, now);
      const key = `steward:rl:${family}:${keyId}:${start}`;
      const result = await redis.multi().incr(key).pexpire(key, rule.periodSeconds * 2000).exec();
      const count = Number(result?.[0]?.[1] ?? 0);
      return { count, resetSeconds };
    },
    async close() {
      await redis.quit();
    },
  };
}

export async function openRateLimiter(redisUrl?: string): Promise<RateLimiter> {
  if (!redisUrl) return memoryRateLimiter();
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  return redisRateLimiter(redis);
}
