// One run of `steward import <kind>`: what it does with an invalid record (abort, the default, or with --skip-invalid
// report it on stderr and go on), what it says of a file that is another kind, and the exit code it ends with.
import { RecordError } from '../posture/resource.js';
import { detectFileKind, FILE_KINDS, type FileKind } from '../ingest/detect-file-kind.js';
import type { OnInvalid } from '../ingest/invalid-records.js';
import { INPUT_LIMITS, omittedProblemsText } from '../input-limits.js';
import { CliError, printable } from './with-store.js';
import { checkInputFile } from './input-file-errors.js';

export interface InvalidRecordFlags {
  /** Write every valid record; report each invalid one (file, record, field) on stderr and leave it out. */
  skipInvalid?: boolean;
  /** With skipInvalid: end with SKIPPED_EXIT_CODE when anything was skipped. */
  strict?: boolean;
}

/** The exit code of `--skip-invalid --strict` when records were skipped: the valid ones were written. */
export const SKIPPED_EXIT_CODE = 3;

/** A file of another kind than the command reads: `x.json looks like a CloudTrail log file, not a Terraform state: ...`. */
export class WrongKindError extends CliError {
  /** What is wrong with the file, without its name: `looks like ..., not ...: use ...`. */
  readonly reason: string;
  constructor(
    readonly file: string,
    readonly kind: FileKind,
    expected: FileKind,
  ) {
    const reason = `looks like ${FILE_KINDS[kind]}, not ${FILE_KINDS[expected]}: use \`steward import ${kind}\``;
    super(`${file} ${reason}`);
    this.reason = reason;
  }
}

/**
 * Every importer reads its files through `file` (parsed at once) or `records` (streamed). The parser is handed
 * `onInvalid`: undefined by default, so the first RecordError aborts the import; with --skip-invalid a reporter, so
 * the parser leaves the record out and goes on. A file that fails as a whole is skipped (with --skip-invalid) or
 * aborts. Either way, at the first problem of a file, its first record is looked at: a file of another kind is named
 * as such (WrongKindError, exit code 2) instead of its first bad field. A file read twice (a checking pass, then a
 * writing pass) reports its problems once, and a problem only the second reading finds as well.
 */
export class ImportRun {
  readonly skipInvalid: boolean;
  private readonly strict: boolean;
  private skipped = 0;
  /** Each file's kind, once a problem made it worth looking. */
  private readonly kinds = new Map<string, FileKind | undefined>();
  /** Files skipped whole as another kind: their second reading yields nothing. */
  private readonly otherKind = new Set<string>();
  private readonly read = new Set<string>();
  /** Every problem skipped so far, by its message: a later reading reports only what the first did not see. */
  private readonly seen = new Set<string>();

  constructor(
    readonly kind: FileKind,
    flags: InvalidRecordFlags,
    /** The kinds this importer reads (service definitions read Backstage entities too). */
    private readonly accepts: readonly FileKind[] = [kind],
  ) {
    this.skipInvalid = flags.skipInvalid === true;
    this.strict = flags.strict === true;
  }

  /** Records skipped so far (and files skipped whole). */
  get skippedCount(): number {
    return this.skipped;
  }

  /** For problems of no one file (relations across files): the reporter with --skip-invalid, else undefined. */
  get onInvalid(): OnInvalid | undefined {
    return this.skipInvalid ? (error) => this.skip(error, true) : undefined;
  }

  /** The records `parse` gives for one file. */
  async file<T>(path: string, parse: (onInvalid: OnInvalid | undefined) => T[] | Promise<T[]>): Promise<T[]> {
    const reporting = this.firstReading(path);
    if (this.otherKind.has(path)) return [];
    checkInputFile(path);
    try {
      return await parse(this.onInvalidOf(path, reporting));
    } catch (error) {
      this.fileFailed(path, error, reporting);
      return [];
    }
  }

  /** The records `read` streams from one file; a failure of the file as a whole ends it (or the import). */
  async *records<T>(path: string, read: (onInvalid: OnInvalid | undefined) => AsyncIterable<T>): AsyncIterable<T> {
    const reporting = this.firstReading(path);
    if (this.otherKind.has(path)) return;
    checkInputFile(path);
    try {
      yield* read(this.onInvalidOf(path, reporting));
    } catch (error) {
      this.fileFailed(path, error, reporting);
    }
  }

  /** The summary to print: with `skipped` under --skip-invalid, after saying how many skips were not listed. */
  summary(summary: object): object {
    if (!this.skipInvalid) return summary;
    const unlisted = this.skipped - INPUT_LIMITS.reportedProblems;
    if (unlisted > 0) process.stderr.write(`steward: ${omittedProblemsText(unlisted)}\n`);
    return { ...summary, skipped: this.skipped };
  }

  /** 0, or SKIPPED_EXIT_CODE under --strict when anything was skipped. */
  get exitCode(): number {
    return this.strict && this.skipped > 0 ? SKIPPED_EXIT_CODE : 0;
  }

  private firstReading(path: string): boolean {
    if (this.read.has(path)) return false;
    this.read.add(path);
    return true;
  }

  private onInvalidOf(path: string, reporting: boolean): OnInvalid | undefined {
    if (!this.skipInvalid) return undefined;
    return (error) => {
      // Thrown through the parser (it only catches RecordErrors) to `file` or `records`, which skip the whole file.
      const wrong = this.wrongKind(path);
      if (wrong) throw wrong;
      this.skip(error, reporting);
    };
  }

  private wrongKind(path: string): WrongKindError | undefined {
    if (!this.kinds.has(path)) this.kinds.set(path, detectFileKind(path));
    const kind = this.kinds.get(path);
    return kind && !this.accepts.includes(kind) ? new WrongKindError(path, kind, this.kind) : undefined;
  }

  private fileFailed(path: string, error: unknown, reporting: boolean): void {
    // Only the reporter of --skip-invalid throws a WrongKindError.
    if (error instanceof WrongKindError) return this.skipOtherKind(error, reporting);
    if (!(error instanceof RecordError)) throw error;
    const wrong = this.wrongKind(path);
    if (!this.skipInvalid) throw wrong ?? error;
    if (wrong) this.skipOtherKind(wrong, reporting);
    else this.skip(error, reporting);
  }

  private skipOtherKind(wrong: WrongKindError, reporting: boolean): void {
    this.otherKind.add(wrong.file);
    this.skip(new RecordError(wrong.file, undefined, wrong.reason), reporting);
  }

  private skip(error: RecordError, reporting: boolean): void {
    // A later reading of a file sees the problems of the first again; one it did not see (the file changed between
    // the checking and the writing pass) is a skip of its own, counted and reported, not dropped in silence.
    if (this.seen.has(error.message) && !reporting) return;
    this.seen.add(error.message);
    this.skipped += 1;
    if (this.skipped <= INPUT_LIMITS.reportedProblems) process.stderr.write(`steward: skipped ${printable(error.message)}\n`);
  }
}
