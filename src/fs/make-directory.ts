// Creates a directory and its missing parents one level at a time. Node's recursive mkdir spins
// forever (and, synchronous, ignores SIGTERM) under a virtual file system such as /proc, where
// mkdir answers ENOENT although the parent exists; here that is one error naming the level.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class DirectoryError extends Error {
  override name = 'DirectoryError';
}

/** Ensures `path` is a directory (creating what is missing); throws DirectoryError saying why not. */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const kind = kindOf(current);
    if (kind === 'directory') break;
    if (kind === 'other') throw new DirectoryError(`${current} exists and is not a directory`);
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && kindOf(level) === 'directory') continue;
      throw new DirectoryError(`cannot create the directory ${level}: ${reasonOf(code, dirname(level))}`);
    }
  }
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

function reasonOf(code: string | undefined, parent: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${parent} (${code})`;
    case 'ENOENT':
      // The parent exists (it was checked), so its file system refuses new entries.
      return `${parent} does not accept new directories (a virtual file system such as /proc or /sys?)`;
    case 'EROFS':
      return `${parent} is on a read-only file system`;
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? 'unknown error';
  }
}
