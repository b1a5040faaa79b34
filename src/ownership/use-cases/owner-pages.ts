// The owners of one type (teams or services) and what one of them owns now: the console's team and service pages.
import type { Db } from '../../store/db.js';
import { NotFound } from '../../errors.js';
import { knownOwners, ownedAnswers, type OwnerSlot } from '../../store/owners.js';
import { formatConfidence } from '../engine.js';

const ownerId = (slot: OwnerSlot, handle: string) => `${slot}/${handle}`;

export async function ownersListing(db: Db, orgId: string, slot: OwnerSlot) {
  const owners = await knownOwners(db, orgId, slot);
  return {
    data: owners.map((o) => ({
      type: 'owner',
      id: ownerId(slot, o.handle),
      attributes: { owner_type: slot, handle: o.handle, name: o.name ?? o.handle, known_from: o.known_from, owned_answers: o.answers },
    })),
  };
}

/** One owner and the current answers naming it; 404 when nothing in the organization knows the handle. */
export async function ownerDetail(db: Db, orgId: string, slot: OwnerSlot, handle: string) {
  const [owners, answers] = await Promise.all([knownOwners(db, orgId, slot), ownedAnswers(db, orgId, slot, handle)]);
  const owner = owners.find((o) => o.handle.toLowerCase() === handle.toLowerCase());
  if (!owner) throw new NotFound(`No ${slot} ${handle} in the directory, CODEOWNERS, the service catalog or any answer`);
  return {
    data: {
      type: 'owner',
      id: ownerId(slot, owner.handle),
      attributes: {
        owner_type: slot,
        handle: owner.handle,
        name: owner.name ?? owner.handle,
        known_from: owner.known_from,
        answers: answers.map((a) => ({
          resource_id: a.resource_id,
          resource_name: a.resource_name,
          resource_type: a.resource_type,
          owner_handle: a.owner_handle,
          confidence: formatConfidence(a.confidence),
          status: a.status,
          explanation: a.explanation,
          checksum: a.checksum,
          updated_at: new Date(a.updated_at).toISOString(),
        })),
      },
    },
  };
}
