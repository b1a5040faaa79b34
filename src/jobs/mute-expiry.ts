import type { Job } from './background-jobs.js';
import { expireMutes, orgsWithExpiredMutes } from '../store/mutes.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';

/**
 * Writes the end of each expired mute into its finding's history (reads already treat it as ended), one organization at
 * a time under its write lock, so that it takes turns with every other writer of finding states.
 */
export const muteExpiryJob: Job = {
  name: 'mute-expiry',
  title: 'mute expiry',
  intervalMs: 30_000,
  run: async (db) => {
    let ended = 0;
    for (const orgId of await orgsWithExpiredMutes(db, Date.now())) {
      ended += await withFindingWriteLease(db, orgId, 'org', (tx) => expireMutes(tx, Date.now(), orgId));
    }
    return ended;
  },
};
