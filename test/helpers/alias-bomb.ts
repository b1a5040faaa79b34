import { readFileSync } from 'node:fs';
import { fixturePath } from './fixtures.js';

/** A Backstage Group (a fixture's) whose spec holds a YAML alias bomb: 9 aliases per level over 8 levels. */
export function aliasBomb(): string {
  const levels = ['a0: &a0 [lol]'];
  for (let i = 1; i <= 8; i += 1) levels.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  const group = readFileSync(fixturePath('backstage', 'acme', 'team-a-group.yaml'), 'utf8').split('\n---\n')[0];
  return `${group}\n  bomb:\n${levels.map((level) => `    ${level}`).join('\n')}\n`;
}
