// Provider tags -> the product's `key:value` strings, keys lower-cased as Datadog does.
import { isRecord, list } from './values.js';

function tag(key: string, value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return `${key.toLowerCase()}:${text}`;
}

/** A `{Key: value}` map (Terraform `tags`/`tags_all`, Config `tags`). */
export function tagsFromMap(...maps: unknown[]): string[] {
  const seen = new Map<string, string>();
  for (const map of maps) {
    if (!isRecord(map)) continue;
    for (const [key, value] of Object.entries(map)) seen.set(key.toLowerCase(), tag(key, value));
  }
  return [...seen.values()];
}

/** A `[{key, value}]` or `[{Key, Value}]` list (the EC2 and IAM APIs). */
export function tagsFromList(value: unknown): string[] {
  const map: Record<string, unknown> = {};
  for (const item of list(value)) {
    if (!isRecord(item)) continue;
    const key = item.key ?? item.Key;
    if (typeof key === 'string') map[key] = item.value ?? item.Value;
  }
  return tagsFromMap(map);
}
