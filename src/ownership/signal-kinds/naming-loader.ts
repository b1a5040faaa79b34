// Naming reads the organization's team handles and service names (loaded once per batch, see OrgContext).
import type { SignalKindLoader } from './loader.js';

export const namingLoader: SignalKindLoader = {
  async load(_db, batch) {
    for (const evidence of batch.evidence.values()) evidence.naming = { teams: batch.org.teamHandles, services: batch.org.serviceNames };
  },
};
