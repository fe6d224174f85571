import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseOpenError, explainOpenError } from './explain-open-error.js';
import { openSqliteStore } from './sqlite-store.js';

describe('explainOpenError', () => {
  it.each([
    ['SQLITE_READONLY', 'read_only', /read-only.*fix the permissions/],
    ['SQLITE_CANTOPEN', 'cannot_open', /cannot be opened or created.*directory exists/],
    ['SQLITE_FULL', 'disk_full', /disk is full.*free some space/],
    ['SQLITE_BUSY', 'locked', /locked by another process/],
  ])('names %s as %s and says what to do', (code, failure, message) => {
    const explained = explainOpenError(Object.assign(new Error('sqlite says no'), { code }), '/nowhere/x.db');
    expect(explained).toBeInstanceOf(DatabaseOpenError);
    expect(explained?.failure).toBe(failure);
    expect(explained?.message).toMatch(message);
    expect(explained?.message).not.toContain('\n');
  });

  it('leaves errors it does not know alone (their stack is the useful part)', () => {
    expect(explainOpenError(new TypeError('a bug'), '/x.db')).toBeNull();
  });

  it('says a database on a read-only filesystem is read-only (needs root for the mount)', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-ro-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      context.skip();
      return;
    }
    try {
      await openSqliteStore(join(dir, 'ro.db')).close();
      execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
      let thrown: unknown;
      try {
        openSqliteStore(join(dir, 'ro.db'));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DatabaseOpenError);
      expect((thrown as DatabaseOpenError).failure).toMatch(/read_only|cannot_open/);
    } finally {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
