// Readers for import files: NDJSON line by line and whole JSON documents (both gunzip on the fly), YAML documents.
// Bytes are decoded strictly: what is not UTF-8 is refused, naming the file and line.
// Every parsed value is checked against the input limits before an importer reads it.
import { constants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, pipeline, Readable, Transform, type Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Document } from 'yaml';
import { RecordError } from '../posture/resource.js';
import { fieldOfPath, findJsonProblem, INPUT_LIMITS, jsonOpensMoreThan } from '../input-limits.js';
import { readRecord, type OnInvalid } from './invalid-records.js';
import { requireRereadable } from './input-files.js';
import { readYamlDocuments, YAML_LIMITS, YamlLimitError } from '../yaml-documents.js';

export interface ReadOptions {
  /** Called as the file is read: bytes of the file read so far (compressed bytes for .gz) and its size. */
  onBytes?: (bytesRead: number, totalBytes: number) => void;
  /** How places name the file: `source line 3` (NDJSON; without it, `line 3`), `source` (a document; else its base name). */
  source?: string;
  /** Receives each NDJSON line that is not JSON, which is then left out; without it the first one aborts. */
  onInvalid?: OnInvalid;
}

export interface NdjsonRecord {
  value: unknown;
  /** 1-based line number in the (decompressed) file. */
  line: number;
}

/** Gunzip's failures (a truncated or corrupt .gz): `Z_BUF_ERROR`, `Z_DATA_ERROR`, ... */
function isCompressionError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Gzip is recognised by its magic bytes, so a compressed file imports whatever its name. */
function isGzipHead(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * A stream's chunks, after reading enough of them to see whether it is gzip: sniffed from the stream itself, because a
 * pipe (`<(...)`, /dev/stdin) can be neither read at a position nor read twice.
 */
async function sniffGzip(stream: Readable): Promise<{ gzip: boolean; chunks: AsyncGenerator<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let next = await iterator.next();
  while (!next.done) {
    head.push(next.value);
    if (Buffer.concat(head).length >= 2) break;
    next = await iterator.next();
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      yield* head;
      if (next.done) return;
      for (next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { gzip: isGzipHead(Buffer.concat(head)), chunks: chunks() };
}

async function openText(path: string, options: ReadOptions): Promise<Readable> {
  const totalBytes = (await stat(path)).size;
  const { gzip, chunks } = await sniffGzip(createReadStream(path));
  let bytesRead = 0;
  // Counting in a pass-through keeps the stream paused until its reader pulls, so no chunk is lost.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      options.onBytes?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const output: Duplex = gzip ? createGunzip() : new PassThrough();
  pipeline(Readable.from(chunks, { objectMode: false }), counter, output, (error) => {
    if (error && !output.destroyed) output.destroy(error);
  });
  return output;
}

/** How many bytes at the end of `bytes` start a character that the next chunk completes. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

function decodesAsUtf8(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/** Where the first character that is not UTF-8 starts in `bytes` (which do not decode): found by halving, on the error path only. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  // Prefixes decode in stream mode (an unfinished last character is allowed) up to the first bad byte.
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (decodesAsUtf8(bytes.subarray(0, middle), true)) low = middle;
    else high = middle - 1;
  }
  // Back to the start of the unfinished character the bad byte broke, if any.
  let start = low;
  while (start > 0 && !decodesAsUtf8(bytes.subarray(0, start), false)) start -= 1;
  return start;
}

function lineBreaks(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count += 1;
  return count;
}

/**
 * Decodes UTF-8 chunk by chunk, strictly: bytes that are not UTF-8 are a RecordError at `place line N` with their byte
 * offset, instead of U+FFFD in ids and names (where two different ids would become one). A leading byte order mark
 * is dropped, as in the files editors on Windows write.
 */
export class StrictUtf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** A character the last chunk began and the next one ends. */
  private carry: Uint8Array = new Uint8Array(0);
  private bytes = 0;
  private lines = 0;

  constructor(private readonly place: string) {}

  /** Line breaks decoded so far. */
  get lineCount(): number {
    return this.lines;
  }

  decode(chunk: Uint8Array): string {
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const whole = bytes.length - incompleteTail(bytes);
    this.carry = bytes.slice(whole);
    return this.decodeWhole(bytes.subarray(0, whole));
  }

  /** The end of the input: a character left unfinished is not UTF-8. */
  end(): string {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return this.decodeWhole(rest);
  }

  private decodeWhole(bytes: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      const offset = invalidUtf8Offset(bytes);
      const line = this.lines + lineBreaks(bytes.subarray(0, offset)) + 1;
      throw new RecordError(`${this.place} line ${line}`, undefined, `not valid UTF-8 (at byte offset ${this.bytes + offset})`);
    }
    if (this.bytes === 0) text = text.replace(/^\uFEFF/, '');
    this.bytes += bytes.length;
    this.lines += lineBreaks(bytes);
    return text;
  }
}

/**
 * The text of a file (gunzipped) in chunks, decoded strictly (StrictUtf8Decoder). A broken .gz is a RecordError at
 * the line it broke in; a file system error (no such file) goes on as it is, for the caller to name the file.
 */
export async function* readTextChunks(path: string, options: ReadOptions = {}): AsyncGenerator<string> {
  const place = options.source ?? basename(path);
  const input = await openText(path, options);
  const decoder = new StrictUtf8Decoder(place);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) yield decoder.decode(chunk);
    yield decoder.end();
  } catch (error) {
    if (!isCompressionError(error)) throw error;
    throw new RecordError(`${place} line ${decoder.lineCount + 1}`, undefined, `cannot be read: ${(error as Error).message}`);
  } finally {
    input.destroy();
  }
}

/** The most characters a document read whole can have: one string holds it. */
export const MAX_DOCUMENT_CHARACTERS = constants.MAX_STRING_LENGTH;

/** Text chunks as one string, refused (naming `place`) past `maxCharacters` rather than failing inside V8. */
export async function joinText(
  chunks: AsyncIterable<string> | Iterable<string>,
  place: string,
  maxCharacters = MAX_DOCUMENT_CHARACTERS,
): Promise<string> {
  const pieces: string[] = [];
  let length = 0;
  for await (const piece of chunks) {
    length += piece.length;
    if (length > maxCharacters) {
      const mib = Math.floor(maxCharacters / 2 ** 20);
      throw new RecordError(place, undefined, `too large: a document is read whole, up to ${maxCharacters} characters (${mib} MiB)`);
    }
    pieces.push(piece);
  }
  return pieces.join('');
}

/** The whole text of a file (gunzipped), decoded strictly: YAML catalogs, and the JSON documents below. */
export async function readTextDocument(path: string, options: ReadOptions = {}): Promise<string> {
  return joinText(readTextChunks(path, options), options.source ?? basename(path));
}

/**
 * Parses JSON text, turning a syntax error into a RecordError at `place` with JSON.parse's position when it gives one,
 * and a value no store can take (NUL, lone surrogate, nesting past `INPUT_LIMITS.jsonDepth`) into one naming its field.
 */
export function parseJsonText(text: string, place: string): unknown {
  if (jsonOpensMoreThan(text, INPUT_LIMITS.jsonContainers))
    throw new RecordError(place, undefined, `holds more than ${INPUT_LIMITS.jsonContainers} objects and arrays`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const reason = text.trim() === '' ? 'empty document' : `not valid JSON${position ? ` (at position ${position})` : ''}: ${message}`;
    throw new RecordError(place, undefined, reason);
  }
  return checkParsed(value, place);
}

/** Rejects a parsed value no store can take (NUL, lone surrogate, nesting past `INPUT_LIMITS.jsonDepth`), naming its field. */
function checkParsed(value: unknown, place: string): unknown {
  const problem = findJsonProblem(value);
  if (problem) throw new RecordError(place, fieldOfPath(problem.path), problem.reason);
  return value;
}

/** A YAML document as plain values; what `yaml` refuses while converting (an alias bomb, an unresolved alias) is the file's problem. */
function jsOf(doc: Document.Parsed, place: string): unknown {
  try {
    return doc.toJS() as unknown;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw new RecordError(place, undefined, `not valid YAML: ${error.message}`);
  }
}

/**
 * Every document of a YAML text as plain values, each with its place (`file document 2`); empty documents are skipped.
 * A document that is not valid YAML aborts, or with `onInvalid` is handed over and left out. A text past YAML_LIMITS
 * aborts: what follows the place it was found cannot be read.
 */
export function yamlDocuments(text: string, source: string, onInvalid?: OnInvalid): Array<{ value: unknown; place: string }> {
  const values: Array<{ value: unknown; place: string }> = [];
  let index = 0;
  try {
    for (const doc of readYamlDocuments(text, YAML_LIMITS)) {
      const place = `${source} document ${++index}`;
      const read = readRecord(() => {
        if (doc.errors.length > 0) throw new RecordError(place, undefined, `not valid YAML: ${doc.errors[0].message}`);
        const value = jsOf(doc, place);
        return value === null || value === undefined ? undefined : { value: checkParsed(value, place), place };
      }, onInvalid);
      if (read !== undefined) values.push(read);
    }
  } catch (error) {
    if (!(error instanceof YamlLimitError)) throw error;
    throw new RecordError(error.document === undefined ? source : `${source} document ${error.document}`, undefined, error.reason);
  }
  return values;
}

/**
 * One JSON value per line; blank lines are skipped; memory holds one line at a time. A pipe is refused
 * (ReadOnceInputError): an NDJSON import reads its file twice, to check every line and then to write them.
 */
export async function* readNdjson(path: string, options: ReadOptions = {}): AsyncIterable<NdjsonRecord> {
  requireRereadable(path);
  const input = Readable.from(readTextChunks(path, options));
  const lines = createInterface({ input, crlfDelay: Infinity });
  const prefix = options.source === undefined ? '' : `${options.source} `;
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      const value = readRecord(() => parseJsonText(text, `${prefix}line ${line}`), options.onInvalid);
      if (value !== undefined) yield { value, line };
    }
  } catch (err) {
    // A line longer than a string can hold fails inside the line reader, naming nothing: name the line.
    if (err instanceof RangeError)
      throw new RecordError(`${prefix}line ${line + 1}`, undefined, 'too large: a line is longer than a string can hold');
    throw err;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** A whole JSON document (Terraform state, Config items, a Datadog answer): these are small enough to parse at once. */
export async function readJsonDocument(path: string, options: ReadOptions = {}): Promise<unknown> {
  return parseJsonText(await readTextDocument(path, options), options.source ?? basename(path));
}
