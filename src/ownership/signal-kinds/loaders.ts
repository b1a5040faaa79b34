// Every signal kind's loader, in the order they run (a later loader may read what an earlier one added: CODEOWNERS
// follows CloudTrail's pipelines, the directory looks up everyone the others named). Owner tags read only the
// resource itself and need none. A new kind with evidence of its own adds its loader here.
import type { EvidenceVersion } from '../evidence.js';
import type { SignalKindLoader } from './loader.js';
import { namingLoader } from './naming-loader.js';
import { preferenceMappingLoader } from './preference-mapping-loader.js';
import { catalogLoader } from './catalog-loader.js';
import { cloudtrailLoader } from './cloudtrail-loader.js';
import { codeownersLoader } from './codeowners-loader.js';
import { directoryLoader } from './directory-loader.js';

export const SIGNAL_KIND_LOADERS: readonly SignalKindLoader[] = [
  namingLoader,
  preferenceMappingLoader,
  catalogLoader,
  cloudtrailLoader,
  codeownersLoader,
  directoryLoader,
];

/** The loader that reads back a recorded evidence version: the one that claims its source, else the catalog's. */
export function recordedBy(version: EvidenceVersion): SignalKindLoader {
  return SIGNAL_KIND_LOADERS.find((l) => l.claims?.(version)) ?? catalogLoader;
}
