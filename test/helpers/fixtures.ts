import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// shared/ sits beside the project checkout, on developers' machines and in CI alike.
const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
