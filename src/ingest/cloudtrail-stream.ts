// A large CloudTrail log document `{"Records":[...]}` (or a top-level array of records) read from text chunks one
// record at a time: memory holds one record's text, never the file. The whole document is checked as JSON on the way:
// what stands beside or after the array is parsed too, so that a second log, a second Records key or stray text is an
// error naming its place rather than records lost.
import { RecordError } from '../posture/resource.js';
import type { OnInvalid } from './invalid-records.js';
import { StrictUtf8Decoder } from './read-records.js';
import { elementRecords, type PlacedRecord } from './cloudtrail.js';

/**
 * CloudTrail delivers records of at most 1 MB (an event data store's `MaxEventSize` of Large; 256 KB by default): a
 * record's text, pretty-printed or not, stays well below this, and one far longer is not a record to hold in memory.
 */
export const RECORD_TEXT_LIMIT = 4 * 1024 * 1024;
/** A log holds `{"Records":[` and `]}` beside its records: text there is kept to be checked, up to this many characters. */
export const OUTSIDE_TEXT_LIMIT = 1024 * 1024;

/** An element of the records array: its text, or undefined when it is longer than RECORD_TEXT_LIMIT (only counted). */
interface ScannedElement {
  text: string | undefined;
  length: number;
  index: number;
}

/** Where the scanner is in the records array: before it, expecting a record or its end, after a record or a comma, past its end. */
type ArrayState = 'before' | 'opened' | 'after-record' | 'after-comma' | 'closed';

/**
 * Finds the records of a `{"Records":[...]}` document (or a top-level array) in its text, chunk by chunk: it tracks
 * strings, escapes and nesting depth to see where each element of the records array starts and ends, and hands out
 * the element's text. Everything outside the array's elements is kept (`outside`, the document with the array
 * emptied), to be parsed as JSON at the end: a document that is not valid JSON is refused, not read up to its array.
 */
class RecordsScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private array: ArrayState = 'before';
  /** The depth of the records array's elements. */
  private recordDepth = 0;
  /** Characters scanned before the current chunk. */
  private offset = 0;
  // Top-level keys, to find "Records" among them.
  private expectKey = false;
  private keyText: string | undefined;
  private lastKey: string | undefined;
  private valueFor: string | undefined;
  // The element being captured: finished pieces of earlier chunks, and where it starts in this one.
  private pieces: string[] = [];
  /** Characters of the element in earlier chunks: past RECORD_TEXT_LIMIT they are counted, no longer kept. */
  private capturedLength = 0;
  private capturing = false;
  private captureFrom = 0;
  private outside: string[] = [];
  private outsideLength = 0;
  /** Where the current chunk's text outside the array starts; undefined inside the array. */
  private outsideFrom: number | undefined = 0;
  /** Where the array's contents start and end in the document, to give positions in `outside` as positions in it. */
  private contents = { start: 0, length: 0 };
  /** Elements found so far. */
  private index = 0;

  constructor(private readonly place: string) {}

  /** The elements of the records array that end in this chunk. */
  *scan(s: string): Generator<ScannedElement> {
    this.captureFrom = 0;
    this.outsideFrom = this.array === 'before' || this.array === 'closed' ? 0 : undefined;
    for (let i = 0; i < s.length; i += 1) {
      const element = this.step(s, i);
      if (element !== undefined) yield element;
    }
    if (this.capturing) this.keepPiece(s.slice(this.captureFrom));
    if (this.outsideFrom !== undefined) this.keepOutside(s.slice(this.outsideFrom), s.length);
    this.offset += s.length;
  }

  private keepPiece(piece: string): void {
    this.capturedLength += piece.length;
    if (this.capturedLength > RECORD_TEXT_LIMIT) this.pieces = [];
    else this.pieces.push(piece);
  }

  /** `end`: where the kept text ends in the chunk, to name the position once there is too much. */
  private keepOutside(piece: string, end: number): void {
    this.outsideLength += piece.length;
    if (this.outsideLength > OUTSIDE_TEXT_LIMIT)
      throw this.fail(`more than ${OUTSIDE_TEXT_LIMIT} characters beside the records array: not a CloudTrail log`, end);
    this.outside.push(piece);
  }

  /** Checks the whole document once its text has ended. */
  end(): void {
    if (!this.started) throw new RecordError(this.place, undefined, 'empty document');
    if (this.depth !== 0 || this.inString) throw this.fail('the document is truncated');
    if (this.array === 'before') throw this.fail('no Records array: a single record or an EventBridge event is read whole, with recordsOf');
    this.checkOutside();
  }

  private fail(reason: string, at?: number): RecordError {
    return new RecordError(this.place, 'Records', at === undefined ? reason : `${reason} (at position ${this.offset + at})`);
  }

  private notARecord(): RecordError {
    return new RecordError(`${this.place} Records[${this.index}]`, undefined, 'not a CloudTrail record (expected an object)');
  }

  /** One character; an element of the records array when it ends there. */
  private step(s: string, i: number): ScannedElement | undefined {
    const c = s[i];
    if (this.inString) return this.stringCharacter(c);
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') return undefined;
    if (this.started && this.depth === 0)
      throw new RecordError(this.place, undefined, `not valid JSON: text after the document (at position ${this.offset + i})`);
    if (this.capturing) return this.elementCharacter(s, i);
    if (this.array === 'opened' || this.array === 'after-record' || this.array === 'after-comma') {
      this.arrayCharacter(s, i);
      return undefined;
    }
    this.outsideCharacter(s, i);
    return undefined;
  }

  private stringCharacter(c: string): undefined {
    if (this.escaped) this.escaped = false;
    else if (c === '\\') this.escaped = true;
    else if (c === '"') {
      this.inString = false;
      if (this.keyText !== undefined) {
        this.lastKey = this.keyText;
        this.keyText = undefined;
      }
    } else if (this.keyText !== undefined && this.keyText.length < 64) this.keyText += c;
    return undefined;
  }

  /** Inside an element: its strings and brackets, until it closes (its text is then JSON.parse's to check). */
  private elementCharacter(s: string, i: number): ScannedElement | undefined {
    const c = s[i];
    if (c === '"') this.inString = true;
    else if (c === '{' || c === '[') this.depth += 1;
    else if (c === '}' || c === ']') {
      this.depth -= 1;
      if (this.depth === this.recordDepth) {
        const last = s.slice(this.captureFrom, i + 1);
        const length = this.capturedLength + last.length;
        const text = length > RECORD_TEXT_LIMIT ? undefined : [...this.pieces, last].join('');
        this.pieces = [];
        this.capturedLength = 0;
        this.capturing = false;
        this.array = 'after-record';
        return { text, length, index: this.index++ };
      }
    }
    return undefined;
  }

  /** Between the elements of the records array: one comma between two, none before the first or after the last. */
  private arrayCharacter(s: string, i: number): void {
    const c = s[i];
    if (c === ',') {
      if (this.array !== 'after-record') throw this.fail('an extra comma', i);
      this.array = 'after-comma';
    } else if (c === ']') {
      if (this.array === 'after-comma') throw this.fail('a comma before the end of the array', i);
      this.array = 'closed';
      this.depth -= 1;
      this.contents.length = this.offset + i - this.contents.start;
      this.outsideFrom = i;
    } else if (this.array === 'after-record') {
      throw this.fail('a comma or the end of the array expected', i);
    } else if (c === '{') {
      this.capturing = true;
      this.captureFrom = i;
      this.depth += 1;
    } else {
      throw this.notARecord();
    }
  }

  /** Outside the records array: find it among the top-level keys. */
  private outsideCharacter(s: string, i: number): void {
    const c = s[i];
    if (!this.started) {
      this.started = true;
      if (c === '[') return this.openArray(s, 1, i);
      if (c !== '{') throw this.fail('not a CloudTrail log document: expected {"Records":[...]} or an array of records');
      this.depth = 1;
      this.expectKey = true;
      return;
    }
    if (this.depth === 1 && this.valueFor === 'Records') {
      if (c !== '[') throw this.fail('must be an array');
      this.valueFor = undefined;
      return this.openArray(s, 2, i);
    }
    if (c === '"') {
      this.inString = true;
      if (this.depth === 1 && this.expectKey) this.keyText = '';
      this.expectKey = false;
    } else if (c === '{' || c === '[') this.depth += 1;
    else if (c === '}' || c === ']') this.depth -= 1;
    else if (this.depth === 1 && c === ',') this.expectKey = true;
    else if (this.depth === 1 && c === ':') {
      this.valueFor = this.lastKey;
      // A second records array would be read past, or replace the first: either way records would be lost.
      if (this.valueFor === 'Records' && this.array !== 'before') throw this.fail('a second "Records" key', i);
    }
  }

  private openArray(s: string, depth: number, i: number): void {
    this.depth = depth;
    this.recordDepth = depth;
    this.array = 'opened';
    this.contents.start = this.offset + i + 1;
    this.keepOutside(s.slice(this.outsideFrom ?? 0, i + 1), i + 1);
    this.outsideFrom = undefined;
  }

  /** The document with its records array emptied must be valid JSON: keys and values beside the array, its end. */
  private checkOutside(): void {
    const text = this.outside.join('');
    try {
      JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const at = /position (\d+)/.exec(message)?.[1];
      const position = at === undefined ? '' : ` (at position ${this.documentPosition(Number(at))})`;
      throw new RecordError(this.place, undefined, `not valid JSON${position}: ${message.replace(/ in JSON at position \d.*$/, '')}`);
    }
  }

  private documentPosition(outsidePosition: number): number {
    return outsidePosition < this.contents.start ? outsidePosition : outsidePosition + this.contents.length;
  }
}

function parseElement({ text, length }: ScannedElement, place: string): unknown {
  if (text === undefined)
    throw new RecordError(place, undefined, `is ${length} characters long: a CloudTrail record is at most 1 MB (read up to ${RECORD_TEXT_LIMIT})`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RecordError(place, undefined, `not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Records of a `{"Records":[...]}` document (or a top-level JSON array of records) from its text in chunks (or its
 * bytes, decoded strictly), one at a time: memory holds one record's text, never the file (RecordsScanner).
 */
export async function* streamCloudTrailRecords(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  place: string,
  onInvalid?: OnInvalid,
): AsyncGenerator<PlacedRecord> {
  const decoder = new StrictUtf8Decoder(place);
  const scanner = new RecordsScanner(place);
  const recordsIn = function* (text: string): Generator<PlacedRecord> {
    for (const element of scanner.scan(text)) {
      const recordPlace = `${place} Records[${element.index}]`;
      yield* elementRecords(() => parseElement(element, recordPlace), recordPlace, onInvalid);
    }
  };
  for await (const chunk of chunks) yield* recordsIn(typeof chunk === 'string' ? chunk : decoder.decode(chunk));
  yield* recordsIn(decoder.end());
  scanner.end();
}
