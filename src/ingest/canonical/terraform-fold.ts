// What folding a Terraform companion resource into its parent's configuration takes: finding the parent in the same
// state, and adding to its lists without repeating what it already holds.
import type { ResourceRecord } from '../../posture/resource.js';
import { list, type Json } from './values.js';

/** The record of `type` whose configuration's `key` is `value`, among the state's records; undefined when absent. */
export type FindParent = (type: string, key: string, value: unknown) => ResourceRecord | undefined;

/** Folds one companion resource (its attributes) into its parent, when the parent is in the state. */
export type Fold = (child: Json, find: FindParent) => void;

/** Appends `value` to the list `target[field]` (a configuration, a policy), unless an equal element is already there. */
export function appendOnce(target: Json, field: string, value: Json): void {
  const current = list(target[field]);
  const text = JSON.stringify(value);
  if (current.some((element) => JSON.stringify(element) === text)) return;
  target[field] = [...current, value];
}

/** A finder over the records, indexed on first use of each (type, key). */
export function parentFinder(records: readonly ResourceRecord[]): FindParent {
  const indexes = new Map<string, Map<unknown, ResourceRecord>>();
  return (type, key, value) => {
    if (typeof value !== 'string' || value === '') return undefined;
    const name = `${type} ${key}`;
    let index = indexes.get(name);
    if (!index) {
      index = new Map();
      for (const record of records) {
        const own = record.configuration[key];
        if (record.resource_type === type && !index.has(own)) index.set(own, record);
      }
      indexes.set(name, index);
    }
    return index.get(value);
  };
}
