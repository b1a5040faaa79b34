// One definition per service in an import. The catalog keeps one service per name (compared without case), so two
// definitions of a name in one import would otherwise leave whichever was read last, whatever it said.
import { canonicalJson } from '../posture/content-hash.js';
import { RecordError } from '../posture/resource.js';
import type { Service } from '../ownership/signals.js';
import { readRecord, type OnInvalid } from './invalid-records.js';

/** A system groups services: a resource's service tag names the service, not a system of the same name. */
const isSystem = (service: Service) => service.kind?.toLowerCase() === 'system';

/** The fields two definitions of one service disagree on (where each was read is not one of them). */
function differingFields(a: Service, b: Service): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  fields.delete('source');
  const field = (service: Service, name: string) => canonicalJson((service as unknown as Record<string, unknown>)[name]);
  return [...fields].filter((name) => field(a, name) !== field(b, name)).sort();
}

/**
 * The services of one import, one per name, in the order first read. A definition read again the same is kept once;
 * a system gives way to a service of its name; two that disagree are an invalid record (the later one, naming where
 * the earlier was read), which aborts or, with `onInvalid`, is left out.
 */
export function onePerService(services: Service[], onInvalid?: OnInvalid): Service[] {
  const byName = new Map<string, Service>();
  for (const service of services) {
    const key = service.name.toLowerCase();
    const earlier = byName.get(key);
    if (earlier === undefined || (isSystem(earlier) && !isSystem(service))) {
      byName.set(key, service);
      continue;
    }
    if (isSystem(service) && !isSystem(earlier)) continue;
    const differing = differingFields(earlier, service);
    if (differing.length === 0) continue;
    readRecord(() => {
      throw new RecordError(
        service.source,
        undefined,
        `defines the service ${service.name} unlike ${earlier.source} (they differ in ${differing.join(', ')}): one import holds one definition of each service`,
      );
    }, onInvalid);
  }
  return [...byName.values()];
}
