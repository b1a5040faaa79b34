import { statSync } from 'node:fs';
import { CliError } from './with-store.js';
import { ReadOnceInputError } from '../ingest/input-files.js';

/**
 * A file system call that failed on a path (an input file or folder missing, unreadable, a folder where a file goes, a
 * link loop) or a pipe given to an import that reads its input twice, as a message for the terminal: `No such file:
 * PATH`; undefined for any other error.
 */
export function inputFileError(error: unknown): CliError | undefined {
  if (error instanceof ReadOnceInputError) return new CliError(error.message);
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  if (typeof path !== 'string' || typeof syscall !== 'string') return undefined;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CliError(`No such file: ${path}`);
    case 'EACCES':
    case 'EPERM':
      return new CliError(`Permission denied: ${path}`);
    case 'EISDIR':
      return folderGiven(path);
    case 'ELOOP':
      return new CliError(`Symbolic link loop: ${path}`);
    default:
      return undefined;
  }
}

function folderGiven(path: string): CliError {
  return new CliError(`${path} is a folder: this import reads one file`);
}

/** Throws unless `path` is a file: a folder is a CliError, a missing path the system's error (see inputFileError). */
export function checkInputFile(path: string): void {
  if (statSync(path).isDirectory()) throw folderGiven(path);
}
