// Wire shapes of the API the team, service and resource pages read (snake_case, as the server writes them).
import type { InferenceStatus } from './types.js';

/** GET /api/v2/csm/directory/owners: a team or service the organization knows, and where from. */
export interface KnownOwner {
  owner_type: 'team' | 'service';
  handle: string;
  name: string;
  known_from: Array<'directory' | 'codeowners' | 'catalog' | 'inference'>;
  owned_answers: number;
}

/** A current answer naming an owner (GET /api/v2/csm/directory/owners/{owner_type}/{handle}). */
export interface OwnedAnswer {
  resource_id: string;
  resource_name: string | null;
  resource_type: string | null;
  confidence: string;
  status: InferenceStatus;
  explanation: string;
  updated_at: string;
}

export interface OwnerDetail extends Omit<KnownOwner, 'owned_answers'> {
  answers: OwnedAnswer[];
}

/** One configuration version of a resource (GET /api/v2/csm/resources/{id}). */
export interface ResourceVersion {
  version: number;
  valid_from: number;
  valid_to: number | null;
  deleted: boolean;
  source: string | null;
  actor: string | null;
  resource_type: string;
  name: string;
  account: string;
  region: string;
  tags: string[];
  configuration: unknown;
}

export interface ResourceDetail {
  id: string;
  attributes: {
    resource_type: string;
    name: string;
    cloud_provider: string;
    account: string;
    region: string;
    tags: string[];
    deleted: boolean;
    version: number;
    first_seen_at: number;
    iac?: { repo: string; path: string | null };
    versions: ResourceVersion[];
  };
}
