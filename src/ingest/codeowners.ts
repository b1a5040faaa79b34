// CODEOWNERS (GitHub, GitLab): gitignore-style patterns to owners; the last matching rule wins.
// `@org/team` is a team, `@login` a user, an email address a user. GitLab sections (`[Name]`, `^[Name]`,
// `[Name][2]`, with optional default owners) are handled: each section picks its own last match, and the
// owners of all sections combine, as GitLab does. A rule without owners (and no section default) means "no owner".
import { RecordError } from '../posture/resource.js';
import { unsafeTextReason } from '../input-limits.js';
import type { CodeownersOwner, CodeownersRule } from '../ownership/signals.js';
import { readRecord, type OnInvalid } from './invalid-records.js';
import { compilePathPattern, PathPatternError, type PathPattern } from './path-pattern.js';
import { withoutTrailingSlashes } from '../trailing-slashes.js';

const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+)$/;
const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|[A-Za-z0-9_.-]+)$/;
const EMAIL = /^[^@\s]+@(?=[^@\s]+\.[^@\s])[^@\s]+$/;
const SECTION = /^\^?\[([^\]]+)\](?:\[\d+\])?(?:\s(.*))?$/;

function ownerOf(token: string, place: string): CodeownersOwner {
  const team = TEAM.exec(token);
  if (team) return { kind: 'team', handle: team[2], org: team[1], ref: token };
  if (USER.test(token)) return { kind: 'user', handle: token.slice(1), ref: token };
  if (EMAIL.test(token)) return { kind: 'user', handle: token, email: token, ref: token };
  throw new RecordError(place, 'owner', `${JSON.stringify(token)} is neither @user, @org/team nor an email address`);
}

/** Splits on whitespace not escaped by a backslash; `\ ` stays in the token for the pattern compiler. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current += c + line[i + 1];
      i += 1;
    } else if (c === ' ' || c === '\t') {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** Drops an inline comment: a `#` that begins a token (owners and escaped `\#` never do). */
function withoutComment(parts: string[]): string[] {
  const at = parts.findIndex((part, i) => i > 0 && part.startsWith('#'));
  return at < 0 ? parts : parts.slice(0, at);
}

function unescape(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

/** The gitignore pattern, compiled to match a slash-separated path without a leading slash. */
function compile(pattern: string, place: string): PathPattern {
  if (pattern.startsWith('!')) throw new RecordError(place, 'pattern', 'negation (!) is not supported in CODEOWNERS');
  try {
    return compilePathPattern(pattern.endsWith('/') ? pattern.slice(0, -1) : pattern);
  } catch (error) {
    if (error instanceof PathPatternError) throw new RecordError(place, 'pattern', error.message);
    throw error;
  }
}

interface Compiled {
  pattern: PathPattern;
  directoryOnly: boolean;
  /** `docs/*` owns the files directly in docs/, not deeper ones (GitHub's documented behaviour). */
  shallow: boolean;
}

const compiled = new WeakMap<CodeownersRule, Compiled>();

/** Compiles a rule; `raw` is the pattern as written (escapes intact), else re-escaped from the unescaped pattern. */
function compiledOf(rule: CodeownersRule, raw?: string): Compiled {
  let entry = compiled.get(rule);
  if (!entry) {
    const written = raw ?? rule.pattern.replace(/[\\ ]/g, '\\$&').replace(/^!/, '\\!');
    entry = {
      pattern: compile(written, `line ${rule.line}`),
      directoryOnly: rule.pattern.endsWith('/'),
      shallow: /(^|\/)\*$/.test(rule.pattern) && rule.pattern !== '*',
    };
    compiled.set(rule, entry);
  }
  return entry;
}

/** GitHub loads no CODEOWNERS file of 3 MB or more: a larger one owns nothing there, and every inference reads all its rules. */
export const CODEOWNERS_BYTES = 3 * 1024 * 1024;

/**
 * Every rule of a CODEOWNERS file, in file order. Bad lines are RecordErrors naming the line: they abort, or with
 * `onInvalid` are handed over and left out (a section heading with a bad default owner still opens its section).
 */
export function parseCodeowners(text: string, source = 'CODEOWNERS', onInvalid?: OnInvalid): CodeownersRule[] {
  const bytes = text.length * 3 >= CODEOWNERS_BYTES ? Buffer.byteLength(text, 'utf8') : 0;
  if (bytes >= CODEOWNERS_BYTES)
    throw new RecordError(
      source,
      undefined,
      `is ${bytes} bytes: GitHub reads CODEOWNERS files under 3 MB (${CODEOWNERS_BYTES} bytes), and so does Steward`,
    );
  const rules: CodeownersRule[] = [];
  let section: string | undefined;
  let sectionOwners: CodeownersOwner[] = [];
  const readLine = (rawLine: string, index: number) => {
    const line = index + 1;
    const place = `${source} line ${line}`;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const unsafe = unsafeTextReason(trimmed);
    if (unsafe) throw new RecordError(place, undefined, unsafe);
    const sectionMatch = SECTION.exec(trimmed);
    if (sectionMatch) {
      section = sectionMatch[1].trim();
      sectionOwners = []; // a bad default owner leaves the section without one
      sectionOwners = withoutComment(['', ...tokens(sectionMatch[2] ?? '')])
        .slice(1)
        .map((t) => ownerOf(t, place));
      return;
    }
    const parts = withoutComment(tokens(trimmed));
    const raw = parts[0];
    const pattern = unescape(raw);
    const written = parts.slice(1).map((t) => ownerOf(t, place));
    const owners = written.length > 0 ? written : sectionOwners;
    const rule: CodeownersRule = { pattern, owners: dedupe(owners), line, ...(section !== undefined ? { section } : {}) };
    try {
      compiledOf(rule, raw);
    } catch (error) {
      if (error instanceof RecordError) throw new RecordError(place, error.field, error.reason);
      throw error;
    }
    rules.push(rule);
  };
  text.split(/\r?\n/).forEach((rawLine, index) => readRecord(() => readLine(rawLine, index), onInvalid));
  return rules;
}

function dedupe(owners: CodeownersOwner[]): CodeownersOwner[] {
  const seen = new Set<string>();
  return owners.filter((o) => (seen.has(o.ref.toLowerCase()) ? false : (seen.add(o.ref.toLowerCase()), true)));
}

export interface PathQuery {
  /** The path names a directory (a Terraform root module folder): patterns ending in `/` may match it. A trailing `/` says so too. */
  directory?: boolean;
}

function normalise(path: string): { path: string; directory: boolean } {
  const directory = path.endsWith('/');
  const clean = withoutTrailingSlashes(path.replace(/^\.\//, '').replace(/^\/+/, ''));
  return { path: clean, directory };
}

function matches(rule: CodeownersRule, path: string, isDirectory: boolean): boolean {
  const { pattern, directoryOnly, shallow } = compiledOf(rule);
  if ((isDirectory || !directoryOnly) && pattern.matches(path)) return true;
  // A pattern that matches a directory owns everything beneath it.
  return !shallow && pattern.matchesFolderOf(path);
}

/** The rule that decides each section's owners for the path: the last match of each section, in file order. */
export function matchingRules(rules: readonly CodeownersRule[], path: string, query: PathQuery = {}): CodeownersRule[] {
  const target = normalise(path);
  const isDirectory = query.directory ?? target.directory;
  const last = new Map<string | undefined, CodeownersRule>();
  for (const rule of rules) {
    if (matches(rule, target.path, isDirectory)) last.set(rule.section, rule);
  }
  return [...last.values()].sort((a, b) => a.line - b.line);
}

/** The owners of a file or directory: the last matching rule's, combined across GitLab sections. */
export function ownersOf(rules: readonly CodeownersRule[], path: string, query: PathQuery = {}): CodeownersOwner[] {
  return dedupe(matchingRules(rules, path, query).flatMap((rule) => rule.owners));
}
