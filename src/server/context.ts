import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RuleEngine } from '../posture/rule-engine.js';

/** What route plugins are given: the store and the settings; domain services are built from these. */
export interface AppContext {
  db: Db;
  config: Config;
  limiter: RateLimiter;
  rules: RuleEngine;
}
