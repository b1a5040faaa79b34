import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { healthRoutes } from './health.js';
import { openapiRoutes } from './openapi.js';
import { apiReferenceRoutes } from './api-reference.js';
import { resourceRoutes } from './resources.js';
import { consoleRoutes } from './console.js';
import { signalRoutes } from './signals.js';
import { findingsRoutes } from './findings.js';
import { securityFindingsRoutes } from './security-findings.js';
import { muteRoutes } from './mutes.js';
import { automationRuleRoutes } from './automation-rules.js';
import { ownershipRoutes } from './ownership.js';
import { reviewQueueRoutes } from './review-queue.js';
import { directoryRoutes } from './directory.js';
import { ruleCoverageRoutes } from './rule-coverage.js';

/** Every route family of the service; a new family is one file here and one line below. */
export const routeFamilies: Array<FastifyPluginAsync<AppContext>> = [
  healthRoutes,
  openapiRoutes,
  apiReferenceRoutes,
  resourceRoutes,
  consoleRoutes,
  findingsRoutes,
  securityFindingsRoutes,
  muteRoutes,
  automationRuleRoutes,
  ownershipRoutes,
  reviewQueueRoutes,
  directoryRoutes,
  signalRoutes,
  ruleCoverageRoutes,
];
