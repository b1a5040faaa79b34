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
