// How deep a YAML text nests its flow collections (`[...]`, `{...}`), read by the YAML library's lexer, which runs in a
// loop: its composer recurses once per level, and a few kilobytes of `[[[[...` took the process down (out of memory
// in V8's regular expression compiler) before any depth check on the parsed value could run.
import { Lexer } from 'yaml';

/** Whether `text` nests flow collections deeper than `maxDepth` (quoted text and comments are not collections). */
export function yamlFlowNestsDeeper(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > maxDepth) return true;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
  }
  return false;
}
