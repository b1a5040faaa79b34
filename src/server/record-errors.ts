import { RecordError } from '../posture/resource.js';
import { InvalidInput } from '../errors.js';

/** Runs a parser over request input; its RecordError becomes a 400 naming the place as a JSON pointer. */
export function parseOrReject<T>(parse: () => T, pointerOf: (e: RecordError) => string): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RecordError) throw new InvalidInput(err.message, { pointer: pointerOf(err) });
    throw err;
  }
}

/** `data[3]` with field `attributes.tags` becomes `/data/3/attributes/tags`. */
export function pointerFromPlace(place: string, field?: string): string {
  const base = place.replace(/\[(\d+)\]/g, '/$1').replace(/^([^/])/, '/$1');
  return field ? `${base}/${field.replace(/\./g, '/').replace(/\[(\d+)\]/g, '/$1')}` : base;
}

/**
 * A place as the CloudTrail reader names it, a root and then its steps apart (`body Records[3]`, `body [0] detail`,
 * `body detail`), with a field: its JSON pointer below the root (`/Records/3/eventTime`, `/0/detail/eventTime`).
 */
export function pointerFromSteps(place: string, root: string, field?: string): string {
  const steps = place.startsWith(root) ? place.slice(root.length).trim().split(/\s+/).filter(Boolean) : [];
  const pointer = steps.map((step) => pointerFromPlace(step)).join('') + (field ? pointerFromPlace('', field) : '');
  return pointer || '/';
}
