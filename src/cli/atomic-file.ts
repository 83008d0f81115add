/** Writes a file whole or not at all: a temporary file beside it, renamed into place. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
}

export function writeFileAtomic(path: string, data: string): void {
  const tmp = partialPath(path);
  try {
    writeFileSync(tmp, data, { mode: 0o640 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
