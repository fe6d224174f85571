// resolveDatabase, the one choice of database for start, ui, export and rebuild: --db, then DB,
// then config.json recording.database.url (the --config file, else ./config.json), then the
// default; a bad value is one line naming where it came from, its password masked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDatabasePath } from './check-database-path.js';
import { CliError } from './cli-error.js';
import { DEFAULT_DATABASE, resolveDatabase } from './database-option.js';

const root = mkdtempSync(join(tmpdir(), 'llmproxy-dboption-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let files = 0;
function configWith(database: unknown): string {
  files += 1;
  const path = join(root, `config-${files}.json`);
  writeFileSync(path, JSON.stringify({ recording: { database } }));
  return path;
}

const PG = 'postgres://proxy:hunter2-secret@127.0.0.1:5432/records';

describe('resolveDatabase', () => {
  it('takes --db, then DB, then config.json recording.database.url, then the default', async () => {
    const config = configWith({ url: PG, pool_size: 4 });
    const fromConfig = await resolveDatabase(undefined, config, {});
    expect(fromConfig.database).toMatchObject({ locator: PG, backend: 'postgres', options: { postgres: { poolSize: 4 } } });
    expect(fromConfig.database.shown).not.toContain('hunter2');
    expect(fromConfig.loaded.source).toBe(config);
    expect((await resolveDatabase(undefined, config, { DB: '/srv/env.db' })).database).toMatchObject({ locator: '/srv/env.db', backend: 'sqlite' });
    // An empty DB is no DB (as start has always read it).
    expect((await resolveDatabase(undefined, config, { DB: '' })).database.locator).toBe(PG);
    expect((await resolveDatabase('flag.db', config, { DB: '/srv/env.db' })).database).toMatchObject({ locator: 'flag.db', backend: 'sqlite' });
    const sqliteConfig = configWith({ url: './data/from-config.db' });
    expect((await resolveDatabase(undefined, sqliteConfig, {})).database).toMatchObject({ locator: './data/from-config.db', backend: 'sqlite' });
    expect((await resolveDatabase(undefined, configWith({}), {})).database.locator).toBe(DEFAULT_DATABASE);
  });

  it('reads ./config.json when --config is not given', async () => {
    const dir = mkdtempSync(join(root, 'cwd-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ recording: { database: { url: PG } } }));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await resolveDatabase(undefined, undefined, {})).database.locator).toBe(PG);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a bad value in one line naming the flag, the variable or the key', async () => {
    const refusal = async (flag: string | undefined, config: string | undefined, env: NodeJS.ProcessEnv): Promise<string> => {
      const error = await resolveDatabase(flag, config, env).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(CliError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      return message;
    };
    const bad = configWith({ url: 'mysql://root:hunter2-secret@db/records' });
    const fromKey = await refusal(undefined, bad, {});
    expect(fromKey).toContain(`recording.database.url in ${bad}`);
    expect(fromKey).toContain('unsupported database URL scheme "mysql:"');
    expect(fromKey).not.toContain('hunter2');
    expect(await refusal(undefined, bad, { DB: 'mysql://db/records' })).toMatch(/\(the DB environment variable\)$/u);
    expect(await refusal('mysql://db/records', bad, {})).toMatch(/\(--db\)$/u);
    expect(await refusal(undefined, configWith({ url: 'postgres://[broken' }), {})).toMatch(/not a valid URL.*\(recording\.database\.url in /u);
    // The config itself: a wrong type or a missing --config file.
    expect(await refusal(undefined, configWith({ url: 42 }), {})).toContain('recording.database.url');
    expect(await refusal(undefined, join(root, 'missing.json'), {})).toContain('--config');
  });

  it('says where a missing SQLite path came from (ui, rebuild: the file must exist)', async () => {
    const config = configWith({ url: join(root, 'nowhere', 'typo.db') });
    const { database } = await resolveDatabase(undefined, config, {});
    expect(database.source).toBe(`recording.database.url in ${config}`);
    expect(() => checkDatabasePath(database.locator, { create: false, source: database.source })).toThrow(
      `database ${database.locator} does not exist: check recording.database.url in ${config}, or give --db PATH`,
    );
    const flagged = (await resolveDatabase(join(root, 'typo.db'), config, {})).database;
    expect(() => checkDatabasePath(flagged.locator, { create: false, source: flagged.source })).toThrow('check --db PATH (or env DB)');
  });
});
