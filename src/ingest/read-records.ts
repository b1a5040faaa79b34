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

export interface ReadOptions {
  /** Called as the file is read: bytes of the file read so far (compressed bytes for .gz) and its size. */
  onBytes?: (bytesRead: number, totalBytes: number) => void;
}

export interface NdjsonRecord {
  value: unknown;
  /** 1-based line number in the (decompressed) file. */
  line: number;
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

/** Every document of a YAML text as plain values, each with its place (`file document 2`); empty documents are skipped. */
export function yamlDocuments(text: string, source: string): Array<{ value: unknown; place: string }> {
  return parseAllDocuments(text).flatMap((doc, index) => {
    const place = `${source} document ${index + 1}`;
    if (doc.errors.length > 0) throw new RecordError(place, undefined, `not valid YAML: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [{ value: checkParsed(value, place), place }];
  });
}

/** One JSON value per line; blank lines are skipped; memory holds one line at a time. */
export async function* readNdjson(path: string, options: ReadOptions = {}): AsyncIterable<NdjsonRecord> {
  const input = await openText(path, options);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      yield { value: parseJsonText(text, `line ${line}`), line };
    }
  } catch (error) {
    if (error instanceof RecordError) throw error;
    throw new RecordError(`${basename(path)} line ${line + 1}`, undefined, `cannot be read: ${(error as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
  }
}

/** A whole JSON document (Terraform state, Config items, a Datadog answer): these are small enough to parse at once. */
export async function readJsonDocument(path: string, options: ReadOptions = {}): Promise<unknown> {
  const input = await openText(path, options);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of input) chunks.push(chunk as Buffer);
  } catch (error) {
    throw new RecordError(basename(path), undefined, `cannot be read: ${(error as Error).message}`);
  }
  return parseJsonText(Buffer.concat(chunks).toString('utf8'), basename(path));
}
