import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Expands files and folders (recursively, sorted) into files; `accept` filters the files found inside folders. */
export function expandInputs(inputs: string[], accept: (name: string) => boolean = () => true): string[] {
  return inputs.flatMap((input) => {
    const st = statSync(input);
    if (!st.isDirectory()) return [input];
    return readdirSync(input)
      .sort()
      .flatMap((name) => {
        const path = join(input, name);
        return statSync(path).isDirectory() ? expandInputs([path], accept) : accept(name) ? [path] : [];
      });
  });
}

export function totalBytes(files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}
