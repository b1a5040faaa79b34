// The repository is all a user gets: no file may point at documents or data beside the checkout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';
import { FIXTURES_DIR, fixturePath } from '../helpers/fixtures.js';

const SCOPES = ['src', 'test', 'bench', 'web/src', 'scripts', 'rules', 'docs', 'README.md'];
// Upstream data kept byte for byte: it may say anything, and says nothing about this repository's layout.
const DATA = 'test/fixtures/';
const THIS_FILE = 'test/unit/repository-stands-alone.test.ts';
const OUTSIDE = [/\.\.\/shared\b/, /\bshared\/fixtures\b/, /\bDESIGN\.md\b/];
const BINARY = /\.(png|jpe?g|gif|ico|woff2?|gz|zip)$/i;

function walk(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' || name === 'dist' ? [] : walk(join(path, name))));
}

/** The tracked files of the scopes (every file of them when there is no git checkout, e.g. an unpacked archive). */
function filesInScope(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--', ...SCOPES], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter(Boolean);
  } catch {
    return SCOPES.flatMap((s) => walk(join(REPO_ROOT, s))).map((p) => relative(REPO_ROOT, p).split(sep).join('/'));
  }
}

test('no file refers to shared documents or fixtures outside the repository', () => {
  const files = filesInScope().filter((f) => !f.startsWith(DATA) && f !== THIS_FILE && !BINARY.test(f));
  assert.ok(files.length > 100, `expected the repository's files, found ${files.length}`);
  const offenders: string[] = [];
  for (const file of files) {
    const path = join(REPO_ROOT, file);
    if (!existsSync(path)) continue; // deleted in the working tree, not yet committed
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (OUTSIDE.some((p) => p.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test('the fixtures the tests read live inside the repository', () => {
  const rel = relative(REPO_ROOT, FIXTURES_DIR);
  assert.ok(rel !== '' && !rel.startsWith('..'), `fixtures folder ${FIXTURES_DIR} is outside ${REPO_ROOT}`);
  assert.ok(statSync(FIXTURES_DIR).isDirectory(), `${FIXTURES_DIR} is missing`);
  assert.ok(existsSync(fixturePath('SOURCES.md')), 'test/fixtures/SOURCES.md names where each fixture came from');
});
