// A search wildcard (`*` for any run of characters, every other character itself) matched against a value without a
// regular expression: `^a.*b.*$` built from the pattern backtracked exponentially in its stars (28 stars held the
// process 22 s). Greedy matching that goes back only to the last star is linear in each star, O(pattern x value).

/** Whether `value` matches `pattern` whole, `*` standing for any run of characters (none too). */
export function wildcardMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  // Where the last star was, and the value position it is taken to stand up to.
  let star = -1;
  let starEnd = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      starEnd = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p += 1;
      v += 1;
    } else if (star >= 0) {
      // The last star takes one more character, and the rest of the pattern is tried from there.
      p = star + 1;
      v = ++starEnd;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
