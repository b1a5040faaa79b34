import type { Job } from './background-jobs.js';
import { expireMutes } from '../store/mutes.js';

/** Writes the end of each expired mute into its finding's history (reads already treat it as ended). */
export const muteExpiryJob: Job = {
  name: 'mute-expiry',
  intervalMs: 30_000,
  run: (db) => db.transaction((tx) => expireMutes(tx, Date.now())),
};
