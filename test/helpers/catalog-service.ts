// A catalog service naming its team and nothing else, as tests import it.
import type { Service } from '../../src/ownership/signals.js';

export function catalogService(name: string, team: string, source = 'datadog_service_catalog'): Service {
  return {
    name,
    team,
    additional_owners: [],
    contacts: [],
    repositories: [],
    links: [],
    tags: [],
    schema_version: 'v2.2',
    source,
    languages: [],
    ci_pipeline_fingerprints: [],
  };
}
