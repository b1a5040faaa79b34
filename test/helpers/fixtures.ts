import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// Real public data the tests read (test/fixtures/SOURCES.md says where each file came from).
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES_DIR, ...parts);
}
