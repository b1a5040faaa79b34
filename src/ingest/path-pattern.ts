// A gitignore-style path pattern (as CODEOWNERS writes them) compiled to a small automaton and matched by stepping all
// of its states at once: time linear in the path for any pattern. A backtracking regular expression took exponential
// time on a pattern like `*a*a*a*a*a*a*b` (seconds at 15 characters, hours at 20), and a CODEOWNERS file is written by
// whoever can change its repository.

type Accepts = (code: number) => boolean;

type Step =
  /** Reads one character it accepts. */
  | { kind: 'one'; accepts: Accepts }
  /** Reads any run of characters it accepts, the empty run too. */
  | { kind: 'run'; accepts: Accepts }
  /** May go on at `to` without reading (the end of an optional group). */
  | { kind: 'skip'; to: number };

const SLASH = 47;
const anyCharacter: Accepts = () => true;
const notSlash: Accepts = (code) => code !== SLASH;
const exactly =
  (code: number): Accepts =>
  (c) =>
    c === code;

export class PathPatternError extends Error {}

export interface PathPattern {
  /** Whether the pattern matches the whole of a slash-separated path without a leading slash. */
  matches(path: string): boolean;
  /** Whether it matches a folder the path lies in: the path up to one of its slashes. */
  matchesFolderOf(path: string): boolean;
}

/**
 * Compiles the pattern as written (backslash escapes intact, no leading `!`, no trailing `/`). `*` and `?` never match
 * a `/`; `**` as a whole segment matches any number of them; a pattern without a slash matches at any depth; `[...]`
 * (`[!...]`, `[^...]` negated) is a character class.
 */
export function compilePathPattern(pattern: string): PathPattern {
  const steps: Step[] = [];
  // `(?:.*/)?`: any leading folders, none too.
  const anyFolders = () => {
    steps.push({ kind: 'skip', to: steps.length + 3 }, { kind: 'run', accepts: anyCharacter }, { kind: 'one', accepts: exactly(SLASH) });
  };
  let p = pattern;
  // A slash at the start or in the middle anchors the pattern at the root; otherwise it matches at any depth.
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  if (p === '') return automaton([{ kind: 'run', accepts: anyCharacter }]);
  if (!anchored) anyFolders();
  for (let i = 0; i < p.length; i += 1) {
    const c = p[i]!;
    if (c === '\\') {
      i += 1;
      if (i >= p.length) throw new PathPatternError('ends with a lone backslash');
      steps.push({ kind: 'one', accepts: exactly(p.charCodeAt(i)) });
    } else if (c === '*' && p[i + 1] === '*') {
      const atStart = i === 0 || p[i - 1] === '/';
      const atEnd = i + 2 === p.length;
      if (atStart && p[i + 2] === '/') {
        anyFolders();
        i += 2;
      } else if (atStart && atEnd) {
        steps.push({ kind: 'run', accepts: anyCharacter });
        i += 1;
      } else {
        steps.push({ kind: 'run', accepts: notSlash });
        i += 1;
      }
    } else if (c === '*') steps.push({ kind: 'run', accepts: notSlash });
    else if (c === '?') steps.push({ kind: 'one', accepts: notSlash });
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) throw new PathPatternError(`unbalanced [ in ${JSON.stringify(pattern)}`);
      let body = p.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      // One character against a class: a regular expression without repetition, so linear.
      const set = new RegExp(`^[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]$`);
      steps.push({ kind: 'one', accepts: (code) => set.test(String.fromCharCode(code)) });
      i = close;
    } else steps.push({ kind: 'one', accepts: exactly(p.charCodeAt(i)) });
  }
  return automaton(steps);
}

/** What a pattern remembers at most (a bound on memory whatever the paths); past it, steps are computed, not kept. */
const MAX_REMEMBERED_SETS = 256;
const MAX_REMEMBERED_STEPS = 4096;

/** A set of the automaton's states, with where each character leads from it once that has been computed. */
interface StateSet {
  states: readonly number[];
  accepting: boolean;
  next: Map<number, StateSet>;
}

/** The empty set: nothing read after it can match. */
const DEAD: StateSet = { states: [], accepting: false, next: new Map() };

/**
 * Matches by following sets of states, one per character read; each set's step on a character is kept once computed
 * (a lazily built deterministic automaton), so a path costs about one map lookup per character.
 */
function automaton(steps: readonly Step[]): PathPattern {
  const end = steps.length;
  const sets = new Map<string, StateSet>();
  let rememberedSteps = 0;
  const setOf = (states: number[]): StateSet => {
    if (states.length === 0) return DEAD;
    states.sort((a, b) => a - b);
    const key = states.join(',');
    const known = sets.get(key);
    if (known) return known;
    const set: StateSet = { states, accepting: states.includes(end), next: new Map() };
    if (sets.size < MAX_REMEMBERED_SETS) sets.set(key, set);
    return set;
  };
  /** The states reachable from `states` without reading. */
  const closure = (states: Iterable<number>): number[] => {
    const seen = new Set<number>();
    const pending = [...states];
    while (pending.length > 0) {
      const state = pending.pop()!;
      if (seen.has(state)) continue;
      seen.add(state);
      const step = steps[state];
      if (step?.kind === 'run') pending.push(state + 1);
      else if (step?.kind === 'skip') pending.push(state + 1, step.to);
    }
    return [...seen];
  };
  const stepOn = (from: StateSet, code: number): StateSet => {
    const reached: number[] = [];
    for (const state of from.states) {
      const step = steps[state];
      if (step === undefined || step.kind === 'skip' || !step.accepts(code)) continue;
      reached.push(step.kind === 'run' ? state : state + 1);
    }
    const to = setOf(closure(reached));
    if (rememberedSteps < MAX_REMEMBERED_STEPS) {
      from.next.set(code, to);
      rememberedSteps += 1;
    }
    return to;
  };
  const start = setOf(closure([0]));
  return {
    matches(path) {
      let at = start;
      for (let i = 0; i < path.length && at !== DEAD; i += 1) {
        const code = path.charCodeAt(i);
        at = at.next.get(code) ?? stepOn(at, code);
      }
      return at.accepting;
    },
    matchesFolderOf(path) {
      let at = start;
      for (let i = 0; i < path.length && at !== DEAD; i += 1) {
        const code = path.charCodeAt(i);
        if (code === SLASH && at.accepting) return true;
        at = at.next.get(code) ?? stepOn(at, code);
      }
      return false;
    },
  };
}
