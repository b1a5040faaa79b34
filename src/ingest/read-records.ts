// Readers for import files: NDJSON line by line and whole JSON documents (both gunzip on the fly), YAML documents.
// Every parsed value is checked against the input limits before an importer reads it.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, pipeline, Transform, type Duplex, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { RecordError } from '../posture/resource.js';
import { fieldOfPath, findJsonProblem } from '../input-limits.js';
import { readEach, readRecord, type OnInvalid } from './invalid-records.js';

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

/** A failed system call (no such file, permission denied): the caller names the file; not a problem of a record. */
function isFileSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** Gunzip's failures (a truncated or corrupt .gz): `Z_BUF_ERROR`, `Z_DATA_ERROR`, ... */
function isCompressionError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Gzip is recognised by its magic bytes, so a compressed file imports whatever its name. */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function openText(path: string, options: ReadOptions): Promise<Readable> {
  const totalBytes = (await stat(path)).size;
  const gzipped = await isGzip(path);
  const raw = createReadStream(path);
  let bytesRead = 0;
  // Counting in a pass-through keeps the stream paused until its reader pulls, so no chunk is lost.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      options.onBytes?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const output: Duplex = gzipped ? createGunzip() : new PassThrough();
  pipeline(raw, counter, output, (error) => {
    if (error && !output.destroyed) output.destroy(error);
  });
  return output;
}

/**
 * Parses JSON text, turning a syntax error into a RecordError at `place` with JSON.parse's position when it gives one,
 * and a value no store can take (NUL, lone surrogate, nesting past `INPUT_LIMITS.jsonDepth`) into one naming its field.
 */
export function parseJsonText(text: string, place: string): unknown {
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

/**
 * Every document of a YAML text as plain values, each with its place (`file document 2`); empty documents are skipped.
 * A document that is not valid YAML aborts, or with `onInvalid` is handed over and left out.
 */
export function yamlDocuments(text: string, source: string, onInvalid?: OnInvalid): Array<{ value: unknown; place: string }> {
  return readEach(
    parseAllDocuments(text),
    (doc, index) => {
      const place = `${source} document ${index + 1}`;
      if (doc.errors.length > 0) throw new RecordError(place, undefined, `not valid YAML: ${doc.errors[0].message}`);
      const value: unknown = doc.toJS();
      return value === null || value === undefined ? undefined : { value: checkParsed(value, place), place };
    },
    onInvalid,
  );
}

/** One JSON value per line; blank lines are skipped; memory holds one line at a time. */
export async function* readNdjson(path: string, options: ReadOptions = {}): AsyncIterable<NdjsonRecord> {
  const input = await openText(path, options);
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
  } catch (error) {
    // Only a broken compressed stream is a problem of the file at that line; errors of onInvalid go on as they are.
    if (!isCompressionError(error)) throw error;
    throw new RecordError(`${options.source ?? basename(path)} line ${line + 1}`, undefined, `cannot be read: ${(error as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
  }
}

/** A whole JSON document (Terraform state, Config items, a Datadog answer): these are small enough to parse at once. */
export async function readJsonDocument(path: string, options: ReadOptions = {}): Promise<unknown> {
  const input = await openText(path, options);
  const chunks: Buffer[] = [];
  const place = options.source ?? basename(path);
  try {
    for await (const chunk of input) chunks.push(chunk as Buffer);
  } catch (error) {
    if (isFileSystemError(error)) throw error;
    throw new RecordError(place, undefined, `cannot be read: ${(error as Error).message}`);
  }
  return parseJsonText(Buffer.concat(chunks).toString('utf8'), place);
}
