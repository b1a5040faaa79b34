// The team directory as the console lists it.
import type { Db } from '../../store/db.js';
import { listDirectory } from '../../store/directory.js';
import { directoryBody } from '../ownership-serializers.js';

export async function directoryListing(db: Db, orgId: string) {
  return directoryBody(orgId, await listDirectory(db, orgId));
}
