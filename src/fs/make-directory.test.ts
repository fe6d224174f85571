import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from './make-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'llmproxy-mkdir-'));

describe('makeDirectory', () => {
  it('creates the missing levels and accepts an existing directory', () => {
    makeDirectory(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirectory(join(dir, 'a', 'b', 'c'));
  });

  it('fails at once under /proc (recursive mkdir would spin there)', () => {
    expect(() => makeDirectory('/proc/llm-proxy-x/y')).toThrow(
      'cannot create the directory /proc/llm-proxy-x: /proc does not accept new directories (a virtual file system such as /proc or /sys?)',
    );
  });

  it('names a file in the way', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => makeDirectory(join(dir, 'file', 'x'))).toThrow(`${join(dir, 'file')} exists and is not a directory`);
  });
});
