// What an importer does with a record it cannot read. By default the first invalid record aborts the import (all or
// nothing, as the HTTP routes always are); `steward import --skip-invalid` hands parsers an `OnInvalid` instead, which
// receives each RecordError (its place names the file and record, its field the field) while the parser goes on.
import { RecordError } from '../posture/resource.js';

/** Receives each invalid record an import leaves out. */
export type OnInvalid = (error: RecordError) => void;

/**
 * Reads one record. Without `onInvalid` a RecordError propagates (the import aborts); with it the error is handed
 * over and the record is left out (undefined). Any other error always propagates.
 */
export function readRecord<T>(read: () => T, onInvalid: OnInvalid | undefined): T | undefined {
  if (!onInvalid) return read();
  try {
    return read();
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    onInvalid(error);
    return undefined;
  }
}

/** `read` of every item, leaving out those `readRecord` rejects (and those `read` itself gives undefined for). */
export function readEach<I, T>(items: readonly I[], read: (item: I, index: number) => T | undefined, onInvalid: OnInvalid | undefined): T[] {
  const out: T[] = [];
  items.forEach((item, index) => {
    const value = readRecord(() => read(item, index), onInvalid);
    if (value !== undefined) out.push(value);
  });
  return out;
}
