// A database that will not open, as a user meets it: the built CLI (`start` through the recording
// worker thread, and `ui`) answers one line that says which case it is and what to do, exit 2,
// no stack trace. The files are made for real: garbage, truncated, corrupted, exclusively locked.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';

const run = promisify(execFile);
let built: BuiltCli;
let work: string;
let good: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(join(tmpdir(), 'llmproxy-dberr-'));
  good = join(work, 'good.db');
  const store = openSqliteStore(good);
  await store.close();
}, 120_000);

afterAll(() => built.dispose());

function variant(name: string, damage: (path: string) => void): string {
  const path = join(work, `${name}.db`);
  copyFileSync(good, path);
  damage(path);
  return path;
}

async function failure(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [built.cli, ...args], { timeout: 30_000 });
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
  throw new Error('the command succeeded');
}

const CASES: Array<[string, () => string, RegExp]> = [
  ['garbage', () => variant('garbage', (path) => writeFileSync(path, 'this is not a database '.repeat(200))), /not an? SQLite database.*move the file aside/],
  ['truncated', () => variant('truncated', (path) => truncateSync(path, Math.floor(readFileSync(path).length / 2))), /truncated SQLite database \(\d+ of \d+ bytes\).*restore it from a backup/],
  ['corrupted', () => variant('corrupted', (path) => {
    const bytes = readFileSync(path);
    for (let index = 100; index < bytes.length; index++) bytes[index] = (index * 13) & 255;
    writeFileSync(path, bytes);
  }), /corrupted SQLite database \(database disk image is malformed\).*\.recover/],
];

describe('a database that will not open', () => {
  it.each(CASES)('start says a %s file is one, in one line (exit 2)', async (_name, make, expected) => {
    const path = make();
    const { code, stderr } = await failure(['start', '--no-ui', '--port', '0', '--log-file', '-', '--db', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(expected);
    expect(stderr).toContain(path);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('ui says the same for a garbage file', async () => {
    const { code, stderr } = await failure(['ui', '--port', '0', '--db', CASES[0]![1]()]);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^llm-proxy-sharegpt: (--db|cannot open the database) .*garbage\.db:? (is )?not an? SQLite database/);
  });

  it('start says a database exclusively locked by another process is locked, and what to do', async () => {
    const path = variant('locked', () => {});
    const holder = new Database(path);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const { code, stderr } = await failure(['start', '--no-ui', '--port', '0', '--log-file', '-', '--db', path]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/locked by another process \(database is locked\); stop the process holding it/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 30_000);
});
