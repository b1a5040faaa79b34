// YAML documents read within bounds. The YAML library's lexer and parser run in loops with their own stacks, while its
// composer recurses once per level of nesting and spends a few hundred bytes on every node: a few kilobytes of
// `[[[[...` took the process down (out of memory in V8's regular expression compiler), 3,000 indented `a:` lines
// overflowed the call stack, and 4 MB of `- a` lines took 880 MB to compose. So lexical tokens are counted as the
// lexer hands them over, depth is measured on each document's syntax tree before it is composed, and each document
// is handed on (and its composed form let go) before the next is read.
import { Composer, Lexer, LineCounter, Parser, type CST, type Document } from 'yaml';
import { INPUT_LIMITS } from './input-limits.js';

export interface YamlLimits {
  /** Nesting of block and flow collections; the outermost is level 1. */
  depth: number;
  /** Lexical tokens of one document (a Backstage entity holds about 70, a service definition a few hundred). */
  documentTokens: number;
  /** Lexical tokens of the whole text. */
  textTokens: number;
}

/** What one YAML input may hold: composing costs a few hundred bytes a token, the values kept about ten. */
export const YAML_LIMITS: YamlLimits = {
  depth: INPUT_LIMITS.jsonDepth,
  documentTokens: INPUT_LIMITS.yamlDocumentTokens,
  textTokens: INPUT_LIMITS.yamlTextTokens,
};

/** A YAML text past one of its limits; `document` is the 1-based document it was found in, when it was in one. */
export class YamlLimitError extends Error {
  constructor(
    readonly document: number | undefined,
    readonly reason: string,
  ) {
    super(reason);
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

/** The syntax tree's tokens of `text`, each document checked against `limits` before it is handed on. */
function* boundedTokens(text: string, limits: YamlLimits, lineCounter: LineCounter): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  let documents = 0;
  let textTokens = 0;
  let documentTokens = 0;
  const checked = function* (tokens: Generator<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      if (token.type === 'document') {
        documents += 1;
        documentTokens = 0;
        if (documentNestsDeeper(token, limits.depth)) throw new YamlLimitError(documents, `nests deeper than ${limits.depth} levels`);
      }
      yield token;
    }
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (++textTokens > limits.textTokens) throw new YamlLimitError(undefined, `holds more than ${limits.textTokens} YAML tokens`);
    if (++documentTokens > limits.documentTokens)
      throw new YamlLimitError(documents + 1, `holds more than ${limits.documentTokens} YAML tokens in one document`);
    yield* checked(parser.next(lexeme));
  }
  yield* checked(parser.end());
}

/**
 * Every document of `text`, one at a time, from one reading; throws YamlLimitError at the first limit passed. A
 * document's errors say where they are (`at line 3, column 5`).
 */
export function* readYamlDocuments(text: string, limits: YamlLimits): Generator<Document.Parsed> {
  const lineCounter = new LineCounter();
  // The library's own warnings (a collection as a mapping key is read as its text) would go to the process's stderr,
  // in the middle of the service's JSON log; the key's text is what a reader of the value sees.
  for (const document of new Composer({ logLevel: 'error' }).compose(boundedTokens(text, limits, lineCounter))) {
    for (const error of document.errors) {
      if (error.pos[0] === -1) continue;
      const { line, col } = lineCounter.linePos(error.pos[0]);
      error.message += ` at line ${line}, column ${col}`;
    }
    yield document;
  }
}
