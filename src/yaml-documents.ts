// YAML documents read with a bound on nesting. The YAML library's lexer and parser run in loops with their own stacks,
// while its composer recurses once per level: a few kilobytes of `[[[[...` took the process down (out of memory in
// V8's regular expression compiler), and 3,000 indented `a:` lines overflowed the call stack, before any depth check
// on the composed value could run. So depth is measured on the parser's syntax tree, between parsing and composing.
import { Composer, LineCounter, Parser, type CST, type Document } from 'yaml';

/** A YAML text nests its collections deeper than the bound. */
export class YamlNestingError extends Error {
  constructor(readonly maxDepth: number) {
    super(`nests deeper than ${maxDepth} levels`);
  }
}

/** Whether one document's syntax tree nests block or flow collections deeper than `maxDepth` (the outermost is level 1). */
function documentNestsDeeper(document: CST.Document, maxDepth: number): boolean {
  const pending: Array<{ token: CST.Token | undefined; depth: number }> = [{ token: document.value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { token, depth } = next;
    if (token === undefined) continue;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > maxDepth) return true;
    for (const item of token.items) {
      if ('key' in item) pending.push({ token: item.key ?? undefined, depth: depth + 1 });
      pending.push({ token: item.value, depth: depth + 1 });
    }
  }
  return false;
}

/** Whether any document of `text` nests collections deeper than `maxDepth`. */
export function yamlNestsDeeper(text: string, maxDepth: number): boolean {
  for (const token of new Parser().parse(text)) if (token.type === 'document' && documentNestsDeeper(token, maxDepth)) return true;
  return false;
}

/**
 * Every document of `text`, from one parse: throws YamlNestingError when a document nests deeper than `maxDepth`. A
 * document's errors say where they are (`at line 3, column 5`).
 */
export function parseYamlDocuments(text: string, maxDepth: number): Document.Parsed[] {
  const lineCounter = new LineCounter();
  function* boundedTokens(): Generator<CST.Token> {
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      if (token.type === 'document' && documentNestsDeeper(token, maxDepth)) throw new YamlNestingError(maxDepth);
      yield token;
    }
  }
  // The library's own warnings (a collection as a mapping key is read as its text) would go to the process's stderr,
  // in the middle of the service's JSON log; the key's text is what a reader of the value sees.
  const documents = Array.from(new Composer({ logLevel: 'error' }).compose(boundedTokens()));
  for (const document of documents)
    for (const error of document.errors) {
      if (error.pos[0] === -1) continue;
      const { line, col } = lineCounter.linePos(error.pos[0]);
      error.message += ` at line ${line}, column ${col}`;
    }
  return documents;
}
