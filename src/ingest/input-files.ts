import { readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/**
 * Expands files and folders (recursively, sorted) into files; `accept` filters the files found inside folders. Links
 * are followed, but each file and folder is read once: a link to a folder already read, or to one it sits in (a loop),
 * is left out.
 */
export function expandInputs(inputs: string[], accept: (name: string) => boolean = () => true): string[] {
  const seen = new Set<string>();
  return inputs.flatMap((input) => expand(input, undefined, accept, seen, []));
}

/** `path` as files: itself, or (a folder) what it holds; `name` is its name in the folder it was found in, if any. */
function expand(path: string, name: string | undefined, accept: (name: string) => boolean, seen: Set<string>, within: string[]): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) {
    // By device and inode: a pipe has no real path.
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id) || (name !== undefined && !accept(name))) return [];
    seen.add(id);
    return [path];
  }
  const real = realpathSync(path);
  if (seen.has(real) || within.some((folder) => isInside(folder, real))) return [];
  seen.add(real);
  return readdirSync(path)
    .sort()
    .flatMap((entry) => expand(join(path, entry), entry, accept, seen, [...within, real]));
}

/** Whether `folder` is `ancestor` or inside it. */
function isInside(folder: string, ancestor: string): boolean {
  const path = relative(ancestor, folder);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

export function totalBytes(files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}

/** An input that can be read only once (a pipe, `<(...)`, a terminal), given to an import that reads its input twice. */
export class ReadOnceInputError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} can be read only once (a pipe or device), and this import reads its input twice, to check every record before it writes: save it to a file and import that`,
    );
  }
}

/** Throws a ReadOnceInputError unless `path` is a file (or a folder) that can be read again. */
export function requireRereadable(path: string): void {
  const st = statSync(path);
  if (!st.isFile() && !st.isDirectory()) throw new ReadOnceInputError(path);
}
