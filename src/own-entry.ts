// Lookups in the object literals that map outside names (a CloudTrail event, a Terraform type, a policy key) to what
// we do with them: `MAP[name]` on a plain object also finds what every object inherits, so an input naming
// `__proto__`, `constructor` or `hasOwnProperty` would reach a prototype's function instead of "unknown".

/** The entry `record` itself holds under `key`, never one it inherits. */
export function ownEntry<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
